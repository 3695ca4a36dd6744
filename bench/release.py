"""Benchmark: publishing a release of a themadag's agenda to 300 registrants, against the same
mails alone.

    python -m bench.release                 # SQLite in a temporary file, 5 rounds
    python -m bench.release --postgres URL  # an empty PostgreSQL database
    python -m bench.release --profile

A themadag of 40 sessions (8 rondes of 4 workshops, plenary sessions between) with 300
registrants, each with a workshop in every ronde. Each round moves five sessions in the working
copy (a plenary session: everyone is told) and then times
(a) `releases.publish` and its commit: the summary, the conflict check, applying through the
    agenda services, the capacity rule, and one outbox row per affected registrant, all under
    the event's lock — the time registrations for this event wait;
(b) composing those rows after the commit (text, HTML, the calendar invitation, links), as
    the sender does before sending — outside the lock;
(c) the yardstick: `notifications.agenda_changed` for the same registrants with the same lines,
    queued alone in one transaction and composed the same way — the mail work no release can
    avoid.
Goal: (a) + (b) within 1.5x of (c). Before the mails were composed after the commit, all of
it was (a). `--profile` covers (a) and (b)."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from datetime import timedelta

GOAL = 1.5
PEOPLE = 300


def make_app(url: str | None):
    from app import create_app

    if url is None:
        url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "MAIL_DELIVERY": "manual"})  # fmt: skip


def build(app) -> int:
    from app.agenda import choices
    from app.agenda import services as agenda
    from app.extensions import db
    from app.programme import services as programme
    from app.registration.services import RegistrationDetails, register
    from app.timezones import utcnow

    with app.app_context():
        db.create_all()
        from app.accounts import services as accounts

        owner = accounts.create_user("bench@example.org", "Bench", "organiser", "wachtwoord-123")
        start = (utcnow() + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
        event = programme.create_event(owner, {
            "title": "Themadag bench", "kind": "themadag", "starts_at": start,
            "ends_at": start + timedelta(hours=10), "capacity": PEOPLE + 50, "location": "Aula",
        })  # fmt: skip
        rooms = [agenda.add_room(event, {"name": f"Zaal {i}", "capacity": 100}) for i in range(4)]
        aula = agenda.add_room(event, {"name": "Aula", "capacity": 400})
        rondes = []
        for r in range(8):
            begins = start + timedelta(minutes=70 * r)
            agenda.add_session(event, {"kind": "plenary", "title": f"Plenair {r}", "room_id": aula.id,
                                       "starts_at": begins, "ends_at": begins + timedelta(minutes=10)})  # fmt: skip
            rondes.append([agenda.add_session(event, {
                "kind": "workshop", "title": f"Workshop {r}.{w}", "room_id": rooms[w].id,
                "starts_at": begins + timedelta(minutes=10), "ends_at": begins + timedelta(minutes=60),
            }) for w in range(4)])  # fmt: skip
        programme.publish_event(event)
        db.session.commit()
        for i in range(PEOPLE):
            outcome = register(
                event.id, RegistrationDetails(name=f"Deelnemer {i}", email=f"d{i}@example.org")
            )
            choices.choose_workshops(outcome.registration, [ronde[i % 4].id for ronde in rondes])
            db.session.commit()
        return event.id


def edit(app, event_id: int, step: int) -> None:
    from app.agenda import working
    from app.extensions import db
    from app.programme.models import Event

    with app.app_context():
        event = db.session.get(Event, event_id)
        items = [i for i in working.items(event) if i.kind == "plenary"][:5]
        for item in items:
            shift = timedelta(minutes=5 if step % 2 == 0 else -5)
            working.move(
                event, item.key, item.starts_at + shift, item.ends_at + shift, item.room_id
            )
        db.session.commit()


def timed_release(app, event_id: int, profile: cProfile.Profile | None) -> tuple[float, float, int]:
    """(a) and (b): seconds under the lock, seconds composing after, people told."""
    from app.agenda import releases
    from app.extensions import db
    from app.programme.models import Event

    with app.app_context():
        event = db.session.get(Event, event_id)
        began = time.perf_counter()
        if profile:
            profile.enable()
        release = releases.publish(event)
        db.session.commit()
        held = time.perf_counter() - began
        composing = _compose_waiting(app)
        if profile:
            profile.disable()
        return held, composing, release.mailed


def _compose_waiting(app) -> float:
    """Compose every release mail still without its text, one at a time as the sender does."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.mail import composing
    from app.mail.models import OutboxMessage

    with app.app_context():
        ids = db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.composer != "", OutboxMessage.kind == "agenda_changed"
            )
        ).all()
        began = time.perf_counter()
        for message_id in ids:
            composing.compose(message_id)  # in its own app context and session, as the sender
        return time.perf_counter() - began


def timed_mails(app, event_id: int) -> float:
    """(c) The same mails for the same people, with the last release's lines, and nothing
    else: queued in one transaction, then composed."""
    import sqlalchemy as sa

    from app.agenda.models import AgendaChange, AgendaRelease
    from app.agenda.notifications import agenda_changed
    from app.extensions import db
    from app.registration.models import Registration, RegistrationStatus

    with app.app_context():
        release = db.session.scalar(sa.select(AgendaRelease).order_by(AgendaRelease.id.desc()))
        lines = list(
            db.session.scalars(sa.select(AgendaChange).where(AgendaChange.release_id == release.id))
        )
        people = list(db.session.scalars(sa.select(Registration).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED)))  # fmt: skip
        began = time.perf_counter()
        for registration in people:
            agenda_changed(registration, lines)
        db.session.commit()
        queued = time.perf_counter() - began
    return queued + _compose_waiting(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    app = make_app(args.postgres)
    event_id = build(app)
    profile = cProfile.Profile() if args.profile else None
    held, composed, bare, mailed = [], [], [], 0
    for step in range(args.runs):
        edit(app, event_id, step)
        locked, after, mailed = timed_release(app, event_id, profile)
        held.append(locked)
        composed.append(after)
        bare.append(timed_mails(app, event_id))
    a, b, c = statistics.median(held), statistics.median(composed), statistics.median(bare)
    print(f"release of 5 moved plenary sessions, {mailed} registrants told, median of {args.runs}:")
    print(f"  (a) releases.publish, committed  {a * 1000:8.0f} ms   under the event's lock "
          f"({a / mailed * 1000:.2f} ms per person)")  # fmt: skip
    print(f"  (b) its mails composed after     {b * 1000:8.0f} ms   outside the lock")
    print(f"  (c) the same mails alone         {c * 1000:8.0f} ms   queued and composed")
    ratio = (a + b) / c
    print(
        f"  ratio (a+b)/c {ratio:.2f}  (goal ≤ {GOAL})  {'ok' if ratio <= GOAL else 'ABOVE GOAL'}"
    )
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
