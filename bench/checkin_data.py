"""The check-in benchmark's data and yardsticks: people with Dutch names, a fresh PostgreSQL
database, one event filled through the app's own services, the badges of the badge view, and
the bare JSON endpoints that bench/checkin_app.py adds to the app."""

from __future__ import annotations

import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import jsonify, request

from app.extensions import db
from bench.calendar_data import make_app

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-wachtwoord"
EVENT_TITLE = "Themadag Jeugdhulp in de wijk: samen werken aan veilig opgroeien"

# --- the people ----------------------------------------------------------------------------

GIVEN = ("Anouk", "Bram", "Fatima", "Şükrü", "Zoë", "Jan", "Marieke", "Thị Lan", "Willemijn",
         "Mohamed", "Eva", "Pieter-Jan", "Sanne", "Youssef", "Els", "Daan", "Lieke", "Kees",
         "Aïcha", "Joris", "Anne-Marie Johanna")  # fmt: skip
SURNAMES = ("de Vries", "van der Berg", "Jansen", "Çelik", "Smit-van Dijk", "El Amrani",
            "van den Heuvel-Verhoeven", "Bakker", "ter Horst", "Mulder", "Nguyễn", "van 't Hof",
            "de Jong", "Koç", "Visser", "Timmermans", "van Oosterhout-Wijnbergen", "Dijkstra",
            "Meijer", "Bos", "Brouwer")  # fmt: skip
ORGANISATIONS = ("Gemeente Nijmegen", "Wijkteam Tiel-Oost", "", "GGD Gelderland-Zuid",
                 "Hogeschool Rivierenland, lectoraat Jeugd en Gezin", "Zelfstandig",
                 "Stichting Welzijn Culemborg", "MEE Gelderse Poort",
                 "Jeugdzorgaanbieder De Hoenderloo Groep, afdeling ambulante hulp en "
                 "gezinsbegeleiding", "Sociaal Wijkteam Lindenholt")  # fmt: skip


@dataclass(frozen=True)
class Person:
    name: str
    organisation: str
    email: str


def people(count: int) -> list[Person]:
    """`count` people: short and long names, tussenvoegsels, accents; some without organisation."""
    return [
        Person(name=f"{GIVEN[i % len(GIVEN)]} {SURNAMES[(i // len(GIVEN) + i) % len(SURNAMES)]}",
               organisation=ORGANISATIONS[i % len(ORGANISATIONS)],
               email=f"deelnemer{i}@example.org")
        for i in range(count)
    ]  # fmt: skip


# --- the yardsticks in the server ----------------------------------------------------------

BENCH_METADATA = sa.MetaData()
bench_writes = sa.Table(
    "bench_writes", BENCH_METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(64)),
)  # fmt: skip


def with_bare_posts(app):
    """Adds POST /bench/bare-post and /bench/bare-insert to `app`. Not CSRF-exempt: they check
    the X-CSRFToken header as the scan does. The insert is bench/bare_app.py's one-row write,
    in JSON; its table is made by `prepare`, before any worker starts."""

    def posted_code() -> str | None:
        body = request.get_json(silent=True)
        code = body.get("code") if isinstance(body, dict) else None
        return code if isinstance(code, str) and len(code) <= 64 else None

    @app.post("/bench/bare-post")
    def bare_post():
        return jsonify({"status": "ok" if posted_code() else "unreadable"})

    @app.post("/bench/bare-insert")
    def bare_insert():
        db.session.execute(bench_writes.insert().values(code=posted_code()))
        db.session.commit()
        return jsonify({"status": "stored"})

    return app


# --- the database --------------------------------------------------------------------------


@contextmanager
def fresh_database(server_url: str):
    """A new, empty PostgreSQL database named after this process; dropped afterwards."""
    name = f"kennisagenda_bench_{os.getpid()}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Setup:
    event_id: int
    desks: list[str]  # the desk accounts' e-mail addresses
    codes: list[str]  # one badge code per registration, in order
    seconds: float


def prepare(database_url: str, count: int, desks: int) -> Setup:
    """Migrate the empty database; one published event starting in two hours (the desk is
    open, registration too), `desks` checkin accounts on its desk, `count` registrations
    through the registration service, each with a badge code."""
    from flask_migrate import upgrade

    from app.accounts import services as accounts
    from app.attendance import codes
    from app.attendance import services as attendance
    from app.programme import services as programme
    from app.registration import services as registration
    from app.timezones import utcnow

    started = time.perf_counter()
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        BENCH_METADATA.create_all(db.engine)
        owner = accounts.create_user("organisator@example.org", "Organisator", "organiser",
                                     PASSWORD)  # fmt: skip
        start = utcnow() + timedelta(hours=2)
        event = programme.create_event(owner, {
            "kind": "themadag", "title": EVENT_TITLE, "starts_at": start,
            "ends_at": start + timedelta(hours=6), "capacity": count,
        })  # fmt: skip
        programme.publish_event(event)
        staff = [accounts.create_user(f"balie{i}@example.org", f"Balie {i + 1}", "checkin",
                                      PASSWORD) for i in range(desks)]  # fmt: skip
        attendance.set_desk_staff(event, {user.id for user in staff})
        issued = []
        for person in people(count):
            details = registration.RegistrationDetails(
                name=person.name, email=person.email, organisation=person.organisation
            )
            outcome = registration.register(event.id, details, tell=False)
            issued.append(codes.issue_code(outcome.registration, "badge"))
        db.session.commit()
        setup = Setup(event.id, [user.email for user in staff], issued, 0.0)
        db.engine.dispose()
    setup.seconds = time.perf_counter() - started
    return setup


def stored_counts(database_url: str, event_id: int) -> dict[str, int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        result = dict(connection.execute(sa.text(
            "SELECT 'check-ins', count(*) FROM check_ins c JOIN registrations r"
            " ON r.id = c.registration_id WHERE r.event_id = :event"
            " UNION ALL SELECT 'standing', count(*) FROM check_ins WHERE undone_at IS NULL"
            " UNION ALL SELECT 'people in', count(DISTINCT registration_id) FROM check_ins"
            " UNION ALL SELECT 'bare rows', count(*) FROM bench_writes"), {"event": event_id}).all())  # fmt: skip
    engine.dispose()
    return result


def badge_set(count: int) -> list:
    """`count` badges as the badge view makes them: a fresh code's check-in URL each."""
    from app.attendance import codes, printables
    from app.timezones import format_day, utcnow

    app = make_app("sqlite://")  # for BASE_URL and the URL map; no table is read
    with app.test_request_context():
        when = format_day(utcnow() + timedelta(days=10))
        return [printables.Badge(name=p.name, organisation=p.organisation, event_title=EVENT_TITLE,
                                 event_date=when, qr_url=codes.checkin_url(secrets.token_urlsafe(16)))
                for p in people(count)]  # fmt: skip
