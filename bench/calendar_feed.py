"""Benchmark: the programme feed (200 themadagen, 2,000 agenda items) against bare icalendar.

    python -m bench.calendar_feed                        # a fresh SQLite file in a temp folder
    python -m bench.calendar_feed --database-url URL     # an empty PostgreSQL database
    python -m bench.calendar_feed --runs 50 --profile    # more runs; always show the profile

(a) the project's whole path to bytes, `feeds.programme_feed("nl").body()` in a fresh app
context each time (validators query, events and agendas query, building, serialising);
(b) the yardstick: the same 200 VEVENTs with the same properties and text, built from plain
Python values already in memory into an icalendar.Calendar and serialised. The two are run in
turn, so load from elsewhere on the machine falls on both. Goal: (a) within 1.5x of (b). Above
it, a cProfile of (a) shows where the time goes."""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.calendar_data import BASE_URL, ROOMS, counts, database, make_app, plan, seed

GOAL = 1.5


# --- (b) the yardstick: bare icalendar over values in memory -------------------------------


def preload(app, planned) -> tuple[str, list[tuple]]:
    """Everything the feed says, as plain values: the feed's name and one tuple per event
    (uid, stamp, sequence, start, end, url, summary, description, location, status).
    Ids, slugs and stamps are read back from the database once; the text comes from the plan."""
    import sqlalchemy as sa

    from app.agenda.models import AgendaChange
    from app.extensions import db
    from app.programme.models import Event
    from app.timezones import AMSTERDAM

    def aware(value):  # aggregates come back naive (or as text) from SQLite
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)

    with app.app_context():
        rows = db.session.execute(
            sa.select(Event.id, Event.slug, Event.updated_at, Event.ical_sequence)
            .order_by(Event.starts_at, Event.id)
        ).all()  # fmt: skip
        changes = {
            event_id: (count, aware(last))
            for event_id, count, last in db.session.execute(
                sa.select(AgendaChange.event_id, sa.func.count(), sa.func.max(AgendaChange.changed_at))
                .group_by(AgendaChange.event_id)
            )
        }  # fmt: skip
        name = f"{app.config['ORGANISATION_NAME']} – programma"
    host = BASE_URL.split("//", 1)[1].split(":")[0]
    events = []
    for (event_id, slug, updated_at, sequence), p in zip(rows, planned, strict=True):
        revision, last_change = changes.get(event_id, (0, None))
        url = f"{BASE_URL}/activiteiten/{slug}"
        lines = [
            f"{s.starts_at.astimezone(AMSTERDAM):%H.%M}–{s.ends_at.astimezone(AMSTERDAM):%H.%M} "
            f"{s.title}" + (f" ({ROOMS[s.room][0]})" if s.room is not None else "")
            for s in p.sessions
        ]
        parts = [p.summary, "Programma:\n" + "\n".join(lines)]
        if p.online_url:
            parts.append(f"Online: {p.online_url}")
        parts.append(url)
        events.append((
            f"event-{event_id}@{host}", max(filter(None, (updated_at, last_change))),
            sequence + revision, p.starts_at.astimezone(AMSTERDAM), p.ends_at.astimezone(AMSTERDAM),
            url, p.title, "\n\n".join(parts), ", ".join(p.venue), "CONFIRMED",
        ))  # fmt: skip
    return name, events


def bare_body(name: str, events: list[tuple]) -> bytes:
    from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration

    cal = Calendar()
    for key, value in (("prodid", "-//Kennisagenda//Kennisagenda//NL"), ("version", "2.0"),
                       ("calscale", "GREGORIAN"), ("method", "PUBLISH"), ("name", name),
                       ("x-wr-calname", name), ("x-wr-timezone", "Europe/Amsterdam")):  # fmt: skip
        cal.add(key, value)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    zone.add("x-lic-location", "Europe/Amsterdam")
    for kind, start, month, before, after, abbreviation in (
        (TimezoneDaylight, datetime(1981, 3, 29, 2), 3, 1, 2, "CEST"),
        (TimezoneStandard, datetime(1996, 10, 27, 3), 10, 2, 1, "CET"),
    ):
        part = kind()
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("tzname", abbreviation)
        zone.add_component(part)
    cal.add_component(zone)
    for uid, stamp, sequence, start, end, url, summary, description, location, status in events:
        entry = Event()
        entry.add("uid", uid)
        entry.add("dtstamp", stamp)
        entry.add("last-modified", stamp)
        entry.add("sequence", sequence)
        entry.add("dtstart", start)
        entry.add("dtend", end)
        entry.add("url", url)
        entry.add("class", "PUBLIC")
        entry.add("summary", summary)
        entry.add("description", description)
        entry.add("location", location)
        entry.add("status", status)
        entry.add("transp", "OPAQUE")
        cal.add_component(entry)
    return cal.to_ical()


# --- (a) the project's path ----------------------------------------------------------------


def project_body(app) -> bytes:
    from app.calendar import feeds

    with app.app_context():  # a fresh database session each time, as in a request
        return feeds.programme_feed("nl").body()


def project_phases(app) -> dict[str, float]:
    """The same path cut in three (mirrors Feed.body): validators, entries (query and
    building), serialising. Seconds."""
    from flask_babel import force_locale

    from app.calendar import feeds
    from app.calendar.ics import calendar

    with app.app_context():
        t0 = time.perf_counter()
        feed = feeds.programme_feed("nl")
        t1 = time.perf_counter()
        with force_locale(feed.language):
            entries = feed.entries()
            t2 = time.perf_counter()
            name = feed.name() if callable(feed.name) else feed.name  # a callable: lazy names
            cal = calendar(entries, method="PUBLISH", name=name, description=feed.description)
            t3 = time.perf_counter()
            cal.to_ical()
            t4 = time.perf_counter()
    return {"validators (1 query)": t1 - t0, "entries: query + VEVENTs": t2 - t1,
            "calendar + VTIMEZONE": t3 - t2, "to_ical()": t4 - t3}  # fmt: skip


# --- measuring -----------------------------------------------------------------------------


def timed(build) -> float:
    gc.collect()
    started = time.perf_counter()
    build()
    return time.perf_counter() - started


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def shape(body: bytes) -> tuple[int, int, int]:
    """Bytes, VEVENTs, and content lines (unfolded) inside the VEVENTs."""
    lines = body.decode().split("\r\n")
    inside, properties = False, 0
    for line in lines:
        if line == "BEGIN:VEVENT":
            inside = True
        elif line == "END:VEVENT":
            inside = False
        elif inside and line and not line.startswith((" ", "\t")):
            properties += 1
    return len(body), body.count(b"BEGIN:VEVENT"), properties


def profile(app, runs: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        project_body(app)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(own_time_by_package(stats, PACKAGES))
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


PACKAGES = (("/sqlalchemy/", "SQLAlchemy (statements, ORM loading)"),
            ("/icalendar/", "icalendar (building and serialising)"),
            ("babel", "Babel, Flask-Babel (gettext)"), ("/app/", "app/ (feeds.py, ics.py, …)"),
            ("/flask", "Flask, Werkzeug"), ("/werkzeug/", "Flask, Werkzeug"),
            ("/psycopg", "psycopg (PostgreSQL driver)"))  # fmt: skip


def own_time_by_package(stats: pstats.Stats, packages) -> str:
    """Own time per package (`packages`: (part of the file path, name) pairs, first match
    wins), as lines of percentages; a C builtin counts for the package that called it most."""
    result: dict[str, float] = {}

    def package(key) -> str:
        filename = key[0]
        if filename == "~":
            callers = stats.stats[key][4]
            if callers:
                caller = max(callers, key=lambda c: callers[c][2])
                if caller[0] != "~":
                    return package(caller)
            return "C builtins"
        return next((name for part, name in packages if part in filename), "other Python")

    for key, row in stats.stats.items():
        result[package(key)] = result.get(package(key), 0.0) + row[2]
    total = sum(result.values()) or 1.0
    lines = ["own time by package:"] + [
        f"    {name:<44} {seconds / total:5.0%}"
        for name, seconds in sorted(result.items(), key=lambda kv: -kv[1])
        if seconds / total >= 0.005
    ]
    return "\n".join(lines) + "\n"


def run(database_url: str, events: int, per_event: int, runs: int, always_profile: bool,
        top: int) -> None:  # fmt: skip
    print("What: the programme feed's whole path to bytes (a), against bare icalendar over the same "
          f"data in memory (b). Goal: (a) within {GOAL}x of (b).")  # fmt: skip
    print(f"machine             {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before "
          "the start: other work shares the CPU, so (a) and (b) take turns; read the ratio")  # fmt: skip
    planned = plan(events, per_event)
    started = time.perf_counter()
    seed(database_url, planned)
    setup = time.perf_counter() - started
    rows = counts(database_url)
    print(f"database            {database_url.split(':', 1)[0]}  ({rows['events']} events, "
          f"{rows['sessions']} sessions, {rows['rooms']} rooms, {rows['speakers']} speakers, "
          f"{rows['agenda_changes']} agenda changes; set up in {setup:.1f} s)", flush=True)  # fmt: skip
    app = make_app(database_url)
    name, preloaded = preload(app, planned)

    ours, bare = project_body(app), bare_body(name, preloaded)  # warm-up, and the outputs
    project, baseline = [], []
    for _ in range(runs):  # in turn, so a busy neighbour slows both alike
        project.append(timed(lambda: project_body(app)))
        baseline.append(timed(lambda: bare_body(name, preloaded)))
    phases = [project_phases(app) for _ in range(max(3, runs // 5))]

    ms = 1000
    ratio = statistics.median(project) / statistics.median(baseline)
    paired = statistics.median(a / b for a, b in zip(project, baseline, strict=True))
    print(f"runs                {runs} of each, in turn, after one warm-up; load average "
          f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    for label, values, body in (("(a) project", project, ours), ("(b) bare", baseline, bare)):
        size, vevents, props = shape(body)
        print(f"{label:<19} median {statistics.median(values) * ms:6.1f} ms   p90 "
              f"{p90(values) * ms:6.1f} ms   min {min(values) * ms:6.1f} ms   "
              f"{size:,} bytes, {vevents} VEVENTs, {props / max(vevents, 1):.0f} properties each")  # fmt: skip
    print(f"same bytes          {'yes' if ours == bare else _difference(ours, bare)}")
    print(f"ratio (a)/(b)       {ratio:.2f}x of the medians (run by run: {paired:.2f}x; fastest "
          f"runs: {min(project) / min(baseline):.2f}x)  goal: within {GOAL}x -> "
          f"{'met' if ratio <= GOAL else 'NOT met'}")  # fmt: skip
    print("(a) by phase, median:")
    for phase in phases[0]:
        print(f"    {phase:<28} {statistics.median(p[phase] for p in phases) * ms:6.1f} ms")
    if ratio > GOAL or always_profile:
        print(f"\ncProfile of (a), {min(runs, 10)} runs:")
        print(profile(app, min(runs, 10), top))


def _difference(ours: bytes, bare: bytes) -> str:
    a, b = ours.decode().split("\r\n"), bare.decode().split("\r\n")
    differing = sum(1 for x, y in zip(a, b, strict=False) if x != y) + abs(len(a) - len(b))
    first = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"no: {differing} of {len(a)} lines differ, first at line {first + 1}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )  # fmt: skip
    parser.add_argument("--database-url", metavar="URL",
                        help="an empty database to use (e.g. postgresql+psycopg://…); "
                             "default: a fresh SQLite file in a temporary folder")  # fmt: skip
    parser.add_argument("--events", type=int, default=200, help="published themadagen (200)")
    parser.add_argument("--sessions-per-event", type=int, default=10, help="agenda items (10)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs of each (50)")
    parser.add_argument(
        "--profile", action="store_true", help="print the profile even when the goal is met"
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines to show (15)")
    args = parser.parse_args()
    with database(args.database_url) as url:
        run(url, args.events, args.sessions_per_event, args.runs, args.profile, args.top)


if __name__ == "__main__":
    main()
