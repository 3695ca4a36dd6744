"""Benchmark: the public event page and the programme against a bare endpoint in the same server.

    python -m bench.pages                    # SQLite in a temporary folder
    python -m bench.pages --postgres URL     # an empty PostgreSQL database
    python -m bench.pages --workers 4 --seconds 20 --connections 32

(1) Requests per second, measured from outside. The app plus one bare GET route
(bench/feed_app.py: /bench/bare, the same server, middleware and request hooks, no query, a
two-byte body) runs under gunicorn (`--workers` x `--threads`; more than one thread is
gthread, which keeps connections alive) on a database prepared through the app's services
(bench/pages_data.py): a published themadag of 40 sessions — 8 rondes of a plenary session and
4 parallel workshops, each in its own room, 20 speakers, an accreditation, `--registrants`
people each in a workshop of every ronde (the last of each ronde full, with people waiting) —
among 30 other published events with themes. The load generator runs in other processes: wrk
when installed, else (as on the machine this was written on) Python threads each on its own
keep-alive http.client connection (bench/feed_revalidation.py), which spend some of the same
cores, so the bare endpoint's rate is the one most held back by it. `--connections` at a
time, without cookies (every request is a new visitor, as in a rush), in turn, `--rounds`
times:
    (a) /activiteiten/<slug>   the event page: agenda, places left, the registration form
                               with a workshop question per ronde
    (b) /                      the programme's first page (12 events)
    (c) /bench/bare            the yardstick
Every answer's status is counted. Printed: each rate and the ratios (a)/(c) and (b)/(c).

(2) SQL queries, in-process (Flask's test client, a new visitor each time): the event page of
a themadag of 10 sessions (2 rondes of 4), of the 40 above and of 1,000 (40 rondes of 24), and
the programme page; counted with an SQLAlchemy listener on the engine (`counting_queries` of
tests/agenda/test_query_counts.py).

(3) A cProfile of the event page in-process (`--profile-calls` requests after a warm-up):
time per request against the bare route in-process, the SQL statements of one request, own
time per package and the top `--top` functions by cumulative and by own time, in a file under
/tmp whose path is printed. The machine's cores are shared with the server, the load generator
and whatever else runs: read the ratios, not the rates."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from bench import pages_data
from bench.calendar_data import database, make_app, with_bare_route
from bench.calendar_feed import own_time_by_package
from bench.feed_revalidation import WRK_SCRIPT, Load, fetch, python_clients, wrk
from bench.rush import CSRF, serve

BARE = "/bench/bare"
PACKAGES = (("/jinja2/", "Jinja2 (runtime)"), ("/app/templates/", "templates (compiled Jinja)"),
            ("/markupsafe/", "MarkupSafe"), ("/wtforms/", "WTForms"), ("/flask_wtf/", "Flask-WTF"),
            ("babel", "Babel, Flask-Babel"), ("/sqlalchemy/", "SQLAlchemy"),
            ("/psycopg", "psycopg (PostgreSQL driver)"), ("/flask_sqlalchemy/", "Flask-SQLAlchemy"),
            ("/flask_login/", "Flask-Login"), ("/flask_limiter/", "Flask-Limiter"),
            ("/limits/", "Flask-Limiter"), ("/itsdangerous/", "itsdangerous (session cookie)"),
            ("/werkzeug/", "Werkzeug"), ("/flask/", "Flask"), ("/markdown", "Markdown"),
            ("/app/", "app/ (services, views, hooks)"),
            ("/bench/", "this benchmark's caller"))  # fmt: skip


def _at_nine(days_ahead: int) -> datetime:
    from app.timezones import from_local

    return from_local(datetime.combine(date.today() + timedelta(days=days_ahead), clock(9)))


def prepare(url: str, registrants: int) -> pages_data.Built:
    """Migrate the empty database; the programme and the themadag of 40 sessions."""
    from flask_migrate import upgrade

    from app.extensions import db

    app = make_app(url)
    with app.app_context():
        upgrade()
        owner = pages_data.owner()
        themes = pages_data.programme(owner, _at_nine(0), others=30)
        built = pages_data.themadag(owner, "Themadag Wijkgericht werken", _at_nine(14),
                                    rondes=8, per_ronde=4, registrants=registrants,
                                    themes=themes[:2])  # fmt: skip
        db.engine.dispose()
    return built


# --- (1) from outside ----------------------------------------------------------------------


def load(args, url: str, main: pages_data.Built) -> None:
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    # A keep-alive client's connections stay with the worker that accepted them, and a threaded
    # worker accepts up to a thousand: one worker could hold most of them while the other idled
    # (a round at half speed, whichever target it fell on). Each may hold its share, no more.
    share = -(-args.connections // args.workers) + args.threads
    print(f"server              gunicorn, {args.workers} worker(s) x {args.threads} thread(s), "
          f"at most {share} connections each, bench.feed_app:app")  # fmt: skip
    print(f"load                {client}, {args.connections} keep-alive connections, no cookies, "
          f"{args.seconds:g} s per target in {args.rounds} round(s) taken in turn")  # fmt: skip
    targets = {"(a) event page": f"/activiteiten/{main.slug}", "(b) programme page": "/",
               "(c) bare endpoint": BARE}  # fmt: skip
    env = {"REDIS_URL": args.redis} if args.redis else {}
    print(f"page cache          {'Redis ' + args.redis if args.redis else 'in each process'}")
    with tempfile.TemporaryDirectory() as folder, serve(
        url, workers=args.workers, threads=args.threads, app="bench.feed_app:app", env=env,
        connections_per_worker=share,
    ) as base:  # fmt: skip
        script = Path(folder) / "count.lua"
        script.write_text(WRK_SCRIPT)
        probes = {name: fetch(base + path) for name, path in targets.items()}
        check_probes(probes, main)
        headers = {}
        if args.returning:  # one visitor's session cookie on every request (a returning visitor)
            cookie = probes["(a) event page"][1]["set-cookie"].split(";", 1)[0]
            headers = {"Cookie": cookie}
        print(
            f"visitors            {'returning (their session cookie sent)' if args.returning else 'new (no cookies)'}"
        )

        def measure(path: str, seconds: float) -> Load:
            if client == "wrk":
                return wrk(base + path, headers, seconds, args.connections, script)
            return python_clients(base + path, headers, seconds, args.connections)

        for path in targets.values():
            measure(path, 1)  # warm up every worker, thread and connection
        loads = {name: Load(0, 0.0) for name in targets}
        for _ in range(args.rounds):  # in turn, so other work on the machine hits each alike
            for name, path in targets.items():
                one = measure(path, args.seconds / args.rounds)
                one.rounds = [one.rate]
                loads[name] += one
    print(f"load average        {os.getloadavg()[0]:.1f} at the end of the load")
    bare = loads["(c) bare endpoint"].rate
    for name, result in loads.items():
        tally = ", ".join(f"{s}: {n:,}" for s, n in sorted(result.statuses.items()))
        ok = result.requests > 0 and result.statuses[200] == result.requests and not result.errors
        ratio = f"  {result.rate / bare:.3f} of bare" if bare and not name.startswith("(c)") else ""
        print(f"{name:<19} {result.rate:7.0f} req/s{ratio}  (rounds {min(result.rounds):.0f}–"
              f"{max(result.rounds):.0f}; {tally}; errors: {result.errors}; "
              f"{len(probes[name][2]):,} bytes) {'OK' if ok else 'NOT AS EXPECTED'}")  # fmt: skip
    if bare:
        print(f"ratios              event ÷ bare {loads['(a) event page'].rate / bare:.3f}, "
              f"programme ÷ bare {loads['(b) programme page'].rate / bare:.3f}")  # fmt: skip
        # Each round takes the three targets one after the other: a ratio within a round
        # compares rates measured seconds apart, less moved by what else the machine does.
        per_round = {name: statistics.median(page / base for page, base in zip(
            loads[name].rounds, loads["(c) bare endpoint"].rounds, strict=True))
            for name in ("(a) event page", "(b) programme page")}  # fmt: skip
        print(f"per round (median)  event ÷ bare {per_round['(a) event page']:.3f}, "
              f"programme ÷ bare {per_round['(b) programme page']:.3f}")  # fmt: skip


def check_probes(probes: dict, main: pages_data.Built) -> None:
    """Each target answers 200, and the event page is the one we mean: all its sessions and a
    registration form."""
    for name, (status, _headers, _body) in probes.items():
        if status != 200:
            raise RuntimeError(f"{name} answered {status}")
    page = probes["(a) event page"][2].decode()
    missing = [title for title in main.titles if title not in page]
    if missing or not CSRF.search(page):
        raise RuntimeError(f"the event page lacks {missing[:3]} or its registration form")


# --- (2) and (3) in-process ----------------------------------------------------------------


def in_process(url: str, main: pages_data.Built, calls: int, top: int) -> None:
    from app.accounts.models import User
    from app.extensions import db
    from tests.agenda.test_query_counts import counting_queries

    app = with_bare_route(make_app(url))
    with app.app_context():
        owner = db.session.query(User).filter_by(email="bench@example.org").one()
        started = time.perf_counter()
        small = pages_data.themadag(owner, "Themadag tien sessies", _at_nine(40), rondes=2,
                                    per_ronde=4, registrants=20)  # fmt: skip
        large = pages_data.themadag(owner, "Themadag duizend sessies", _at_nine(50), rondes=40,
                                    per_ronde=24, registrants=20)  # fmt: skip
        print(f"in-process          two more themadagen (10 and 1,000 sessions) built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    client = app.test_client(use_cookies=False)  # a new visitor each time, as in the load

    def statements_of(path: str, expect: str | None = None, cached: bool = False) -> list[str]:
        app.config["PAGE_CACHE"] = cached
        client.get(path)  # once before: work done once per process, and a cached copy
        with app.app_context(), counting_queries() as statements:
            response = client.get(path)
        page = response.get_data(as_text=True)
        if response.status_code != 200 or (expect and expect not in page):
            raise RuntimeError(f"GET {path} gave {response.status_code} without {expect!r}")
        if cached and response.headers.get("X-Page-Cache") != "hit":
            raise RuntimeError(f"GET {path} did not come from the cache")
        app.config["PAGE_CACHE"] = True
        return list(statements)

    counts = {f"event page, {b.sessions:,} sessions": (
        len(statements_of(f"/activiteiten/{b.slug}", b.titles[-1])),
        len(statements_of(f"/activiteiten/{b.slug}", b.titles[-1], cached=True)))
        for b in (small, main, large)}  # fmt: skip
    counts["programme page"] = (len(statements_of("/")), len(statements_of("/", cached=True)))
    for name, (rendered, cached) in counts.items():
        print(f"SQL queries         {name:<30} {rendered} to render, {cached} from the cache "
              "(its stamp; a render after a change: the stamp and the render)")  # fmt: skip

    path = f"/activiteiten/{main.slug}"
    bump = _places_mover(url, main.slug)
    client.get(path)
    bump()
    with app.app_context(), counting_queries() as filling:
        filled = client.get(path)
    if filled.headers.get("X-Page-Slots") != "filled":
        raise RuntimeError(f"GET {path} after a registration did not fill in its places")
    print(f"SQL queries         event page after a registration  {len(filling)}: its stamp and its "
          "places filled in, the page kept")  # fmt: skip
    client.get("/")
    bump()
    with app.app_context(), counting_queries() as filling:
        filled = client.get("/")
    if filled.headers.get("X-Page-Slots") != "filled":
        raise RuntimeError("GET / after a registration did not fill in its cards' places")
    print(f"SQL queries         programme after a registration   {len(filling)}: its stamp and its "
          "cards' places filled in, the page kept")  # fmt: skip
    statements = statements_of(path)
    summary, report = profile(client, path, statements, calls, top, app, bump)
    dialect = url.split(":", 1)[0].split("+")[0]
    target = (
        Path(tempfile.gettempdir())
        / f"bench-pages-profile-{dialect}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    )
    target.write_text(report)
    print(summary, end="")
    print(f"profile             {target} (top {top} by cumulative time)")
    with app.app_context():
        db.engine.dispose()


def _places_mover(url: str, slug: str):
    """What a registration elsewhere does to the page's stamps: the event's places counter one
    up, in a transaction of its own."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    move = sa.text("UPDATE events SET places_version = places_version + 1 WHERE slug = :slug")

    def bump() -> None:
        with engine.begin() as connection:
            connection.execute(move, {"slug": slug})

    return bump


def profile(client, path: str, statements: list[str], calls: int, top: int,
            app, bump) -> tuple[str, str]:  # fmt: skip
    """Time per request in-process (best of 3 rounds, in turn), from the cache, with its places
    filled in after a registration (`bump()` before each, not timed) and rendered, and profiles
    of the first and the last for the event page: (a summary to print, the whole report)."""
    paths = {"event page, cached": (path, True), "event page, places": (path, True),
             "event page, render": (path, False), "programme, cached": ("/", True),
             "programme, places": ("/", True), "programme, render": ("/", False),
             "bare route": (BARE, True)}  # fmt: skip

    def get(each: str, cached: bool) -> None:
        app.config["PAGE_CACHE"] = cached
        client.get(each)

    for each, cached in paths.values():
        for _ in range(20):
            get(each, cached)
    per_request = {name: float("inf") for name in paths}
    for _ in range(3):
        for name, (each, cached) in paths.items():
            app.config["PAGE_CACHE"] = cached
            seconds, repeats = 0.0, max(1, calls // 3)
            for _ in range(repeats):
                if name in ("event page, places", "programme, places"):
                    bump()
                started = time.perf_counter()
                client.get(each)
                seconds += time.perf_counter() - started
            per_request[name] = min(per_request[name], seconds / repeats)
    out = io.StringIO()
    out.write("in-process          Flask test client, no server, a new visitor each time:\n")
    bare = per_request["bare route"]
    for name, seconds in per_request.items():
        out.write(f"    {name:<20} {seconds * 1000:7.2f} ms per request  "
                  f"({bare / seconds:.3f} of bare)\n")  # fmt: skip
    profiles = {}
    for cached in (True, False):
        app.config["PAGE_CACHE"] = cached
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            client.get(path)
        profiler.disable()
        profiles["from the cache" if cached else "rendered"] = profiler
        out.write(f"profile of GET {path} {'from the cache' if cached else 'rendered'}, {calls} "
                  "requests in-process; " + own_time_by_package(pstats.Stats(profiler), PACKAGES))  # fmt: skip
    app.config["PAGE_CACHE"] = True
    summary = out.getvalue()
    out.write(f"\nSQL statements of one render ({len(statements)}):\n")
    for n, statement in enumerate(statements, start=1):
        out.write(f"  {n:2}. {' '.join(statement.split())[:300]}\n")
    for name, profiler in profiles.items():
        out.write(f"\n=== {name} ===\n")
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
        out.write("and by own time, for the leaves:\n")
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    return summary, out.getvalue()


def run(args) -> None:
    print("What: requests per second of the event page of a themadag with 40 sessions and "
          "of the programme page, against a bare endpoint in the same server, in the same "
          "run.")  # fmt: skip
    print(f"machine             {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "before the start: server, load generator and any other work share them, so read "
          "the ratios")  # fmt: skip
    with database(args.postgres) as url:
        started = time.perf_counter()
        main = prepare(url, args.registrants)
        print(f"database            {url.split(':', 1)[0]}; themadag of {main.sessions} sessions, "
              f"{main.registrants} registrants, among 30 other events; prepared in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        if not args.in_process_only:
            load(args, url, main)
        in_process(url, main, args.profile_calls, args.top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )  # fmt: skip
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database to use "
                        "(postgresql+psycopg://…); default: a fresh SQLite file")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--redis", metavar="URL", help="keep the page cache in this Redis")
    parser.add_argument(
        "--returning",
        action="store_true",
        help="send a visitor's session cookie (default: a new visitor each time)",
    )
    parser.add_argument("--in-process-only", action="store_true",
                        help="skip the server: queries, timings and profiles only")  # fmt: skip
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (2: keep-alive)")
    parser.add_argument("--seconds", type=float, default=10, help="load per target (10)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds the seconds are cut into (5)")
    parser.add_argument("--connections", type=int, default=16, help="client connections (16)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="load generator (auto: wrk when installed)")  # fmt: skip
    parser.add_argument("--registrants", type=int, default=150, help="on the themadag (150)")
    parser.add_argument("--profile-calls", type=int, default=300, help="requests profiled (300)")
    parser.add_argument("--top", type=int, default=25, help="profile lines by cumulative time (25)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
