"""Benchmark: N people register at once for an event with C places, against a real server.

    python -m bench.registration_rush                 # SQLite, threaded gunicorn
    python -m bench.registration_rush --postgres URL  # PostgreSQL (an empty database), 4 workers

Prints confirmed / waitlisted / 5xx counts, registrations per second, and the ratio to a bare
endpoint that inserts one row through the same server and database, and to the least form
(bench/bare_app.py): `--rounds` times in turn, each round on a new event, then the medians. Each registration does
the whole job: lock, count, insert, queue two rows of mail, render the mail and an .ics, and
deliver it over SMTP to a local sink (aiosmtpd)."""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench import bench_rows
from bench.rush import Visitor, free_port, rush, serve


class Sink:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.received += 1
        return "250 OK"


def prepare(database_url: str, capacity: int, events: int = 1) -> list[str]:
    """Migrate the empty database and create `events` published events (one per round);
    returns their slugs."""
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts import services as accounts
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        owner = accounts.create_user("bench@example.org", "Bench", "organiser", "bench-wachtwoord")
        slugs = [published_themadag(owner, f"Themadag Rush {n + 1}", capacity, days_ahead=10 + n).slug
                 for n in range(events)]  # fmt: skip
        db.engine.dispose()
    bench_rows.create(database_url)
    return slugs


def published_themadag(owner, title: str, capacity: int, days_ahead: int):
    """A published six-hour themadag with `capacity` places, committed."""
    from datetime import timedelta

    from app.extensions import db
    from app.programme import services as programme
    from app.timezones import utcnow

    start = utcnow() + timedelta(days=days_ahead)
    event = programme.create_event(owner, {
        "kind": "themadag", "title": title, "starts_at": start,
        "ends_at": start + timedelta(hours=6), "capacity": capacity,
    })  # fmt: skip
    programme.publish_event(event)
    db.session.commit()
    return event


@dataclass
class Round:
    registrations: list  # (status, seconds) per post
    bare: list
    least: list
    readers: Counter | None = None  # with --readers: the event page's answers during the rush
    reading_seconds: float = 0.0

    @staticmethod
    def rate(results: list) -> float:
        return len(results) / _busy_span(results)

    @property
    def ratio(self) -> float:
        return self.rate(self.registrations) / self.rate(self.bare)

    @property
    def least_ratio(self) -> float:
        return self.rate(self.least) / self.rate(self.bare)

    @property
    def over_least(self) -> float:
        return self.rate(self.registrations) / self.rate(self.least)


def run(database_url: str, people: int, capacity: int, workers: int, threads: int,
        delivery: str = "immediate", redis: str | None = None, rounds: int = 1,
        readers: int = 0) -> None:  # fmt: skip
    slugs = prepare(database_url, capacity, events=rounds)
    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "MAIL_DELIVERY": delivery}
    worker = None
    if delivery == "rq":  # a real worker beside the server, on the same cores
        env |= {"REDIS_URL": redis, "RQ_CONNECTION": redis}
        worker = rq_worker(database_url, env)
    done: list[Round] = []
    try:
        with serve(
            database_url, workers=workers, threads=threads, env=env, app="bench.bare_app:app"
        ) as url:
            # In turn, round after round, so that a stall of the machine (they come and go on
            # a shared one) falls on all three alike; each round's event is a fresh one.
            for n, slug in enumerate(slugs):
                done.append(_round(url, slug, n, people, readers))
        if worker is not None:
            drained = _wait_for_mail(people * rounds)
    finally:
        sink.stop()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        outcomes = [_outcome(connection, slug) for slug in slugs]
    engine.dispose()

    print(f"database            {engine.dialect.name} ({workers} worker(s) x {threads} thread(s))")
    print(
        f"people / places     {people} / {capacity} per round, {rounds} round(s), each a new event"
    )
    print(f"mail delivery       {delivery}")
    for n, (result, (confirmed, waitlisted, gapless)) in enumerate(
        zip(done, outcomes, strict=True), 1
    ):
        print(f"round {n}             {confirmed} confirmed, {waitlisted} waiting (1..{waitlisted} gapless: "
              f"{gapless}), {sum(1 for s, _ in result.registrations if s >= 500)} 5xx; "
              f"registrations/s {result.rate(result.registrations):.0f}, bare inserts/s "
              f"{result.rate(result.bare):.0f}, least form/s {result.rate(result.least):.0f} "
              f"({sum(1 for s, _ in result.least if s != 302)} not redirected); "
              f"ratio {result.ratio:.2f}, least form {result.least_ratio:.2f}, "
              f"registration ÷ least form {result.over_least:.2f}")  # fmt: skip
        if result.readers is not None:
            print(f"  readers           the event page during the registrations: "
                  f"{sum(result.readers.values()) / result.reading_seconds:.0f}/s by {readers} "
                  f"connection(s), answers {dict(result.readers)}")  # fmt: skip
    last = done[-1]
    print(f"mails delivered     {Sink.received}")
    print(f"registrations/s     {statistics.median(r.rate(r.registrations) for r in done):.1f}   (median of the rounds; "
          f"last round: median latency {statistics.median(t for _, t in last.registrations) * 1000:.0f} ms,"
          f" max {max(t for _, t in last.registrations) * 1000:.0f} ms)")  # fmt: skip
    print(
        f"bare inserts/s      {statistics.median(r.rate(r.bare) for r in done):.1f}   (median of the rounds)"
    )
    print(f"ratio               {statistics.median(r.ratio for r in done):.2f} of the bare endpoint "
          f"(median of the rounds' ratios; {min(r.ratio for r in done):.2f}–{max(r.ratio for r in done):.2f})")  # fmt: skip
    print(f"least form/s        {statistics.median(r.rate(r.least) for r in done):.1f}   "
          f"({statistics.median(r.least_ratio for r in done):.2f} of the bare endpoint): a form of three "
          "fields with CSRF, one row, a receipt in the session, a redirect")  # fmt: skip
    print(f"registration ÷ least form {statistics.median(r.over_least for r in done):.2f}")
    # What 0.50 of the bare insert leaves a registration beyond the least form: the time each
    # of the busy workers (no more than the cores) may spend on it (the rates' medians).
    busy = min(workers, os.cpu_count() or 1)
    room = busy / (0.5 * statistics.median(r.rate(r.bare) for r in done)) - busy / (
        statistics.median(r.rate(r.least) for r in done))  # fmt: skip
    print(f"room for 0.50       {room * 1000:.1f} ms per registration beyond the least form "
          f"({busy} busy worker(s) ÷ half the bare rate, less the same ÷ the least form's rate)")  # fmt: skip
    lock_hold(database_url)
    if worker is not None:
        print(f"mail drained        {Sink.received} of {people * rounds} sent by the RQ worker "
              f"{drained:.1f} s after the last registration was answered"
              + ("" if Sink.received >= people * rounds else " — NOT ALL, gave up waiting"))  # fmt: skip


def _round(url: str, slug: str, n: int, people: int, readers: int = 0) -> Round:
    page = f"/activiteiten/{slug}"
    posts = [(page + "/aanmelden", {"name": f"Deelnemer {i}", "email": f"r{n}-{i}@example.org",
              "privacy": "y"}) for i in range(people)]  # fmt: skip
    with _reading(url + page, readers) as reading:
        registrations = rush([Visitor(url) for _ in range(people)], [page] * people, posts)
    bare_posts = [("/_bench/insert", {"email": f"b{n}-{i}@example.org"}) for i in range(people)]
    bare = rush([Visitor(url) for _ in range(people)], ["/contact"] * people, bare_posts)
    least_posts = [("/_bench/form", {"name": f"Minst {i}", "email": f"f{n}-{i}@example.org",
                    "privacy": "y"}) for i in range(people)]  # fmt: skip
    least = rush([Visitor(url) for _ in range(people)], ["/contact"] * people, least_posts)
    return Round(registrations, bare, least, *reading)


@contextmanager
def _reading(url: str, connections: int):
    """`connections` visitors without cookies loading `url` over and over (keep-alive) while
    the block runs; yields [the answers by status, seconds] (empty without connections)."""
    result: list = []
    if not connections:
        yield result
        return
    statuses: Counter = Counter()
    stop = threading.Event()
    parts = urlsplit(url)

    def read() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while not stop.is_set():
            try:
                connection.request("GET", parts.path)
                response = connection.getresponse()
                response.read()
                statuses[response.status] += 1
            except (OSError, http.client.HTTPException):
                statuses["error"] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.close()

    threads = [threading.Thread(target=read) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        yield result
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        result.extend([statuses, time.perf_counter() - started])


def _outcome(connection, slug: str) -> tuple[int, int, bool]:
    """Confirmed and waiting at the event of `slug`, and whether the waiting list is 1…n."""
    rows = connection.execute(sa.text(
        "SELECT r.status, r.waitlist_position FROM registrations r JOIN events e "
        "ON e.id = r.event_id WHERE e.slug = :slug"), {"slug": slug}).all()  # fmt: skip
    positions = sorted(p for status, p in rows if status == "waitlisted")
    confirmed = sum(1 for status, _ in rows if status == "confirmed")
    return confirmed, len(positions), positions == list(range(1, len(positions) + 1))


def lock_hold(database_url: str, people: int = 100, capacity: int = 25) -> None:
    """In-process: how long a registration holds its event's lock (from taking it to the
    commit that frees it), and how long composing its mail then takes, outside the lock."""

    from sqlalchemy import event as sa_event
    from sqlalchemy.orm import Session

    from app import create_app, locking
    from app.accounts.models import User
    from app.activity import services as activity
    from app.calendar import stamps
    from app.extensions import db
    from app.mail import composing
    from app.mail.models import OutboxMessage
    from app.registration import services as registration
    from app.registration.services import RegistrationDetails

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "MAIL_DELIVERY": "manual"})  # fmt: skip
    held, taken, database = [], {}, []  # database: (statements, seconds) per registration
    real_lock_row = locking.lock_row
    holders = (locking, activity, stamps, registration)  # whoever may take the event's lock

    def timed_lock_row(model, row_id, **kwargs):
        row = real_lock_row(model, row_id, **kwargs)
        taken.setdefault(id(db.session()), time.perf_counter())
        return row

    def released(session) -> None:
        started = taken.pop(id(session), None)
        if started is not None:
            held.append(time.perf_counter() - started)

    with app.app_context(), app.test_request_context():
        owner = db.session.scalars(sa.select(User).where(User.email == "bench@example.org")).one()
        event_id = published_themadag(owner, "Themadag Slot", capacity, days_ahead=12).id
        for module in holders:
            module.lock_row = timed_lock_row
        sa_event.listen(Session, "after_commit", released)
        try:
            with _database_time(db.engine) as statements:
                for i in range(people):
                    details = RegistrationDetails(name=f"Slot {i}", email=f"slot{i}@example.org")
                    statements.clear()
                    activity.register(event_id, details, [])
                    database.append((len(statements), sum(statements)))  # before the commit
                    db.session.commit()
        finally:
            sa_event.remove(Session, "after_commit", released)
            for module in holders:
                module.lock_row = real_lock_row
        ids = db.session.scalars(sa.select(OutboxMessage.id).where(
            OutboxMessage.event_id == event_id, OutboxMessage.composer != "")).all()  # fmt: skip
        composed = []
        for message_id in ids:
            started = time.perf_counter()
            composing.compose(message_id)
            composed.append(time.perf_counter() - started)
        db.engine.dispose()
    print(f"lock held           median {statistics.median(held) * 1000:.1f} ms per registration "
          f"({people} in turn, in-process): count, decide, insert, queue the row, commit")  # fmt: skip
    print(f"mail composed after median {statistics.median(composed) * 1000:.1f} ms per mail "
          f"(text, HTML, invitation, tokens; {len(composed)} mails), outside the lock — inside it "
          "before this change")  # fmt: skip
    counts = sorted({n for n, _ in database})
    print(f"statements          {'/'.join(map(str, counts))} per registration before its commit "
          f"(the person, the lock, the count, the registration, the outbox row), in-process: "
          f"median {statistics.median(s for _, s in database) * 1000:.2f} ms of round trips to the "
          "database in all")  # fmt: skip


@contextmanager
def _database_time(engine):
    """Each statement's time from the driver's execute to its answer (the round trip and the
    database's work), into the yielded list."""
    from sqlalchemy import event as sa_event

    seconds: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        context.started_at = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        seconds.append(time.perf_counter() - context.started_at)

    sa_event.listen(engine, "before_cursor_execute", before)
    sa_event.listen(engine, "after_cursor_execute", after)
    try:
        yield seconds
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
        sa_event.remove(engine, "after_cursor_execute", after)


def rq_worker(database_url: str, env: dict) -> subprocess.Popen:
    environment = {**os.environ, **env, "DATABASE_URL": database_url, "SECRET_KEY": "bench"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                            cwd=Path(__file__).resolve().parent.parent, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _wait_for_mail(people: int, timeout: float = 300) -> float:
    started = time.monotonic()
    while Sink.received < people and time.monotonic() - started < timeout:
        time.sleep(0.05)
    return time.monotonic() - started


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
        choices=["immediate", "manual", "rq"],
        default="immediate",
        help="immediate: each request sends its own mail after answering; manual: mail is only "
        "queued (cron delivers it); rq: a real RQ worker beside the server delivers it",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="for --delivery rq")
    parser.add_argument("--workers", type=int, help="gunicorn workers (PostgreSQL 4, SQLite 1)")
    parser.add_argument("--threads", type=int, help="threads per worker (PostgreSQL 1, SQLite 16)")
    parser.add_argument(
        "--readers",
        type=int,
        default=0,
        help="connections loading the event page during each registration rush",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the three rushes in turn, each on a new event (3)",
    )
    args = parser.parse_args()
    if args.postgres:
        run(args.postgres, args.people, args.capacity, workers=args.workers or 4,
            threads=args.threads or 1, delivery=args.delivery, redis=args.redis,
            rounds=args.rounds, readers=args.readers)  # fmt: skip
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            run(url, args.people, args.capacity, workers=args.workers or 1,
                threads=args.threads or 16, delivery=args.delivery, redis=args.redis,
                rounds=args.rounds, readers=args.readers)  # fmt: skip


if __name__ == "__main__":
    main()
