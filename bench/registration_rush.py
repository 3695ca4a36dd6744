"""Benchmark: N people register at once for an event with C places, against a real server.

    python -m bench.registration_rush                 # SQLite, threaded gunicorn
    python -m bench.registration_rush --postgres URL  # PostgreSQL (an empty database), 4 workers

Prints confirmed / waitlisted / 5xx counts, registrations per second, and the ratio to a bare
endpoint that inserts one row through the same server and database. Each registration does
the whole job: lock, count, insert, queue two rows of mail, render the mail and an .ics, and
deliver it over SMTP to a local sink (aiosmtpd)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.rush import Visitor, free_port, rush, serve


class Sink:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.received += 1
        return "250 OK"


def prepare(database_url: str, capacity: int) -> str:
    """Migrate the empty database and create one published event; returns its slug."""
    from datetime import timedelta

    from flask_migrate import upgrade

    from app import create_app
    from app.accounts import services as accounts
    from app.extensions import db
    from app.programme import services as programme
    from app.timezones import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        owner = accounts.create_user("bench@example.org", "Bench", "organiser", "bench-wachtwoord")
        start = utcnow() + timedelta(days=10)
        event = programme.create_event(owner, {
            "kind": "themadag", "title": "Themadag Rush", "starts_at": start,
            "ends_at": start + timedelta(hours=6), "capacity": capacity,
        })  # fmt: skip
        programme.publish_event(event)
        db.session.commit()
        slug = event.slug
        db.engine.dispose()
    return slug


def run(database_url: str, people: int, capacity: int, workers: int, threads: int,
        delivery: str = "immediate") -> None:  # fmt: skip
    slug = prepare(database_url, capacity)
    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "MAIL_DELIVERY": delivery}
    try:
        with serve(
            database_url, workers=workers, threads=threads, env=env, app="bench.bare_app:app"
        ) as url:
            page = f"/activiteiten/{slug}"
            posts = [(page + "/aanmelden", {"name": f"Deelnemer {i}", "email": f"b{i}@example.org",
                      "privacy": "y"}) for i in range(people)]  # fmt: skip
            registrations = rush([Visitor(url) for _ in range(people)], [page] * people, posts)

            bare_posts = [("/_bench/insert", {"email": f"b{i}@example.org"}) for i in range(people)]
            bare = rush([Visitor(url) for _ in range(people)], ["/contact"] * people, bare_posts)
    finally:
        sink.stop()

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text(
            "SELECT status, count(*) FROM registrations GROUP BY status")).all())  # fmt: skip
        positions = [r[0] for r in connection.execute(sa.text(
            "SELECT waitlist_position FROM registrations WHERE status = 'waitlisted' ORDER BY 1"))]  # fmt: skip
    engine.dispose()

    reg_rate = len(registrations) / _busy_span(registrations)
    bare_rate = len(bare) / _busy_span(bare)
    print(f"database            {engine.dialect.name} ({workers} worker(s) x {threads} thread(s))")
    print(f"people / places     {people} / {capacity}")
    print(f"mail delivery       {delivery}")
    print(f"confirmed           {counts.get('confirmed', 0)}")
    print(f"waitlisted          {counts.get('waitlisted', 0)} (positions 1..{len(positions)} gapless: "
          f"{positions == list(range(1, len(positions) + 1))})")  # fmt: skip
    print(f"5xx                 {sum(1 for s, _ in registrations if s >= 500)}")
    print(f"mails delivered     {Sink.received}")
    print(f"registrations/s     {reg_rate:.1f}   (median latency {statistics.median(t for _, t in registrations) * 1000:.0f} ms,"
          f" max {max(t for _, t in registrations) * 1000:.0f} ms)")  # fmt: skip
    print(
        f"bare inserts/s      {bare_rate:.1f}   (median latency {statistics.median(t for _, t in bare) * 1000:.0f} ms)"
    )
    print(f"ratio               {reg_rate / bare_rate:.2f} of the bare endpoint")


def _busy_span(results) -> float:
    """All posts start together at the barrier; the span is the slowest one's latency."""
    return max(t for _, t in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database to use")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument(
        "--delivery",
        choices=["immediate", "manual"],
        default="immediate",
        help="manual: mail is only queued (as with a worker or cron delivering it)",
    )
    args = parser.parse_args()
    if args.postgres:
        run(args.postgres, args.people, args.capacity, workers=4, threads=1, delivery=args.delivery)
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            run(url, args.people, args.capacity, workers=1, threads=16, delivery=args.delivery)


if __name__ == "__main__":
    main()
