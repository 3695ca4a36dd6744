"""Benchmark: revalidating the programme feed (304) against a bare endpoint in the same server.

    python -m bench.feed_revalidation                       # SQLite in a temp folder
    python -m bench.feed_revalidation --database-url URL    # an empty PostgreSQL database
    python -m bench.feed_revalidation --seconds 20 --profile

The app (bench/feed_app.py: the real app plus a bare GET route) runs under gunicorn with the
200 themadagen / 2,000 sessions of bench/calendar_data.py. A load generator in other processes
(wrk when installed, else Python keep-alive clients) asks for, in turn:
(a) /kalender/programma.ics with If-None-Match: the current ETag        -> must be 304
(b) /kalender/programma.ics with If-Modified-Since: its Last-Modified   -> must be 304
(c) /bench/bare: the same server, middleware and request hooks; no query, a two-byte body.
Every response's status is counted and every 304 must have an empty body. Goal: (a) and (b)
at 0.8 of (c) or more. Below it, a cProfile of the 304 path in-process shows where time goes."""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import os
import pstats
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.calendar_data import counts, database, make_app, plan, seed, with_bare_route
from bench.calendar_feed import own_time_by_package
from bench.rush import serve

GOAL = 0.8
FEED, BARE = "/kalender/programma.ics", "/bench/bare"


@dataclass
class Load:
    requests: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    nonempty: int = 0  # responses with a body
    errors: int = 0  # connection errors, timeouts
    rounds: list[float] = field(default_factory=list)  # the rate in each round, when in rounds

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def __add__(self, other: Load) -> Load:
        return Load(self.requests + other.requests, self.seconds + other.seconds,
                    self.statuses + other.statuses, self.nonempty + other.nonempty,
                    self.errors + other.errors, self.rounds + other.rounds)  # fmt: skip


# --- load generators -----------------------------------------------------------------------

# Counts statuses and non-empty bodies in every wrk thread; `done` sums them for us to read.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; nonempty = 0 end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if body ~= nil and #body > 0 then nonempty = nonempty + 1 end
end
function done(summary, latency, requests)
  local total, bodies = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
    bodies = bodies + thread:get("nonempty")
  end
  for status, n in pairs(total) do io.write(string.format("STATUS %d %d\\n", status, n)) end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d\\n", summary.requests, summary.duration, bodies,
           e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(url: str, headers: dict, seconds: float, connections: int, script: Path) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    requests, micros, nonempty, errors = map(
        int, re.search(r"RESULT (\d+) (\d+) (\d+) (\d+)", output).groups()
    )
    statuses = Counter({int(s): int(n) for s, n in re.findall(r"STATUS (\d+) (\d+)", output)})
    return Load(requests, micros / 1e6, statuses, nonempty, errors)


def _client_process(url: str, headers: dict, seconds: float, threads: int) -> Load:
    """One process of keep-alive clients, one connection per thread, until time is up."""
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    results: list[Load] = []

    def client() -> None:
        load = Load(0, 0.0)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            try:
                connection.request("GET", parts.path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                load.errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            load.requests += 1
            load.statuses[response.status] += 1
            load.nonempty += bool(body)
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.close()
        results.append(load)

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total = sum(results, Load(0, 0.0))
    total.seconds = time.monotonic() - started
    return total


def python_clients(url: str, headers: dict, seconds: float, connections: int) -> Load:
    processes = max(1, min(connections, os.cpu_count() or 1))
    with ProcessPoolExecutor(processes) as pool:
        futures = [pool.submit(_client_process, url, headers, seconds, max(1, connections // processes))
                   for _ in range(processes)]  # fmt: skip
        loads = [future.result() for future in futures]
    total = sum(loads, Load(0, 0.0))
    total.seconds = max(load.seconds for load in loads)
    return total


# --- checking the answers ------------------------------------------------------------------


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


# --- the 304 path in-process, profiled -----------------------------------------------------


# (file, function) after strip_dirs: the stages of one request, cumulative time each.
STAGES = (("app.py", "wsgi_app", "the whole request in Flask"),
          ("views.py", "programme_feed", "the feed view"),
          ("feeds.py", "_window_modified", "  validators: build the statement, run it, read"),
          ("scoping.py", "execute", "    db.session.execute (compile cache, run, fetch)"),
          ("~", "<method 'execute' of 'sqlite3.Cursor' objects>", "      the driver: sqlite3"),
          ("cursor.py", "execute", "      the driver: psycopg"),
          ("app.py", "preprocess_request", "before_request hooks"),
          ("app.py", "process_response", "after_request hooks, session save"),
          ("sessions.py", "open_session", "session cookie: open"),
          ("app.py", "do_teardown_appcontext", "teardown: db session, mail dispatch"),
          ("response.py", "__call__", "werkzeug response to WSGI"))  # fmt: skip
PACKAGES = (("/sqlalchemy/", "SQLAlchemy"), ("/psycopg", "psycopg (PostgreSQL driver)"), ("/flask_sqlalchemy/", "Flask-SQLAlchemy"),
            ("/flask_wtf/", "Flask-WTF (CSRF)"), ("/flask_login/", "Flask-Login"),
            ("/flask_limiter/", "Flask-Limiter"), ("/limits/", "Flask-Limiter"),
            ("babel", "Babel, Flask-Babel"), ("/werkzeug/", "Werkzeug"), ("/flask/", "Flask"),
            ("/app/", "app/ (feeds.py, views.py, hooks)"), ("/bench/", "this benchmark's caller"))  # fmt: skip


def profile_in_process(database_url: str, etag: str, last_modified: str, calls: int,
                       top: int) -> str:  # fmt: skip
    """The app called straight through WSGI (no server, no sockets): time per request for
    each kind, then a profile of the If-None-Match path."""
    from werkzeug.test import EnvironBuilder

    app = with_bare_route(make_app(database_url))

    kinds = {
        "(a) If-None-Match": EnvironBuilder(path=FEED, headers={"If-None-Match": etag}),
        "(b) If-Modified-Since": EnvironBuilder(path=FEED, headers={"If-Modified-Since": last_modified}),
        "(c) bare": EnvironBuilder(path=BARE),
    }  # fmt: skip
    environs = {name: builder.get_environ() for name, builder in kinds.items()}

    def call(environ: dict) -> None:
        b"".join(app(dict(environ), lambda status, headers, exc_info=None: None))

    out = io.StringIO()
    out.write("in-process, straight through WSGI (no server), best of 5 rounds taken in turn:\n")
    for environ in environs.values():
        for _ in range(50):
            call(environ)  # warm up
    per_request = {name: float("inf") for name in environs}
    for _ in range(5):
        for name, environ in environs.items():
            started = time.perf_counter()
            for _ in range(calls // 5):
                call(environ)
            per_request[name] = min(
                per_request[name], (time.perf_counter() - started) / (calls // 5)
            )
    for name, seconds in per_request.items():
        out.write(f"    {name:<24} {seconds * 1e6:7.0f} µs per request\n")
    out.write(f"    (a) at {per_request['(c) bare'] / per_request['(a) If-None-Match']:.2f} of bare "
              "in-process\n")  # fmt: skip

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call(environs["(a) If-None-Match"])
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    whole = max(
        row[3] for key, row in stats.stats.items() if key[0] == "app.py" and key[2] == "__call__"
    )
    out.write(
        f"\nprofile of (a), {calls} requests: cumulative time per stage, share of the request\n"
    )
    for filename, function, label in STAGES:
        rows = [row for key, row in stats.stats.items() if (key[0], key[2]) == (filename, function)]
        if not rows:
            continue  # the other database's driver
        line = f"    {label:<50} {sum(row[3] for row in rows) / whole:5.0%}"
        if "driver" in label:
            line += f"  ({sum(row[1] for row in rows) / calls:g} statements per request)"
        out.write(line + "\n")
    stats = pstats.Stats(profiler, stream=out)  # again, with directories, for the packages
    out.write(own_time_by_package(stats, PACKAGES))
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- the run -------------------------------------------------------------------------------


def run(args) -> None:
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    print("What: requests per second of a feed revalidation (304) against a bare endpoint, "
          f"in the same server. Goal: 304 at {GOAL} of bare or more.")  # fmt: skip
    print(f"server              gunicorn, {args.workers} worker(s) x {args.threads} thread(s), "
          "bench.feed_app:app")  # fmt: skip
    print(f"load                {client}, {args.connections} keep-alive connections, "
          f"{args.seconds:g} s per target in {args.rounds} rounds taken in turn")  # fmt: skip
    print(f"machine             {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before "
          "the start: server, load generator and any other work share them, so read the ratios")  # fmt: skip
    with database(args.database_url) as url:
        seed(url, plan(args.events, args.sessions_per_event))
        rows = counts(url)
        print(f"database            {url.split(':', 1)[0]}  ({rows['events']} events, "
              f"{rows['sessions']} sessions)", flush=True)  # fmt: skip
        with tempfile.TemporaryDirectory() as folder, serve(
            url, workers=args.workers, threads=args.threads, app="bench.feed_app:app"
        ) as base:  # fmt: skip
            script = Path(folder) / "count.lua"
            script.write_text(WRK_SCRIPT)
            status, headers, body = fetch(base + FEED)
            if status != 200:
                raise RuntimeError(f"GET {FEED} gave {status}")
            etag, last_modified = headers["etag"], headers["last-modified"]
            targets = {
                "(a) If-None-Match": (FEED, {"If-None-Match": etag}),
                "(b) If-Modified-Since": (FEED, {"If-Modified-Since": last_modified}),
                "(c) bare endpoint": (BARE, {}),
            }
            probes = {name: fetch(base + path, h) for name, (path, h) in targets.items()}

            def measure(path: str, h: dict, seconds: float) -> Load:
                if client == "wrk":
                    return wrk(base + path, h, seconds, args.connections, script)
                return python_clients(base + path, h, seconds, args.connections)

            for path, h in targets.values():
                measure(path, h, 1)  # warm up every worker and thread
            loads = {name: Load(0, 0.0) for name in targets}
            for _ in range(args.rounds):  # in turn, so other work on the machine hits each alike
                for name, (path, h) in targets.items():
                    load = measure(path, h, args.seconds / args.rounds)
                    load.rounds = [load.rate]
                    loads[name] += load

        print(f"load average        {os.getloadavg()[0]:.1f} at the end of the load")
        print(f"feed                200, {len(body):,} bytes, {body.count(b'BEGIN:VEVENT')} VEVENTs, "
              f"ETag {etag}, Last-Modified {last_modified}")  # fmt: skip
        worst = report(loads, probes)
        if worst < GOAL or args.profile:
            print()
            print(profile_in_process(url, etag, last_modified, args.profile_calls, args.top))


def report(loads: dict[str, Load], probes: dict) -> float:
    """Print each target's rate and what it answered; return the lower 304 ratio."""
    for name, (status, h, content) in probes.items():
        print(f"probe {name:<22} {status}, body {len(content)} bytes, "
              f"Content-Length {h.get('content-length', '-')}, ETag {h.get('etag', '-')}")  # fmt: skip
    bare = loads["(c) bare endpoint"].rate
    for name, load in loads.items():
        expected = 200 if name.startswith("(c)") else 304
        tally = ", ".join(f"{s}: {n:,}" for s, n in sorted(load.statuses.items()))
        ok = load.requests > 0 and load.statuses[expected] == load.requests and (
            expected == 200 or (load.nonempty == 0 and probes[name][0] == 304 and not probes[name][2])
        )  # fmt: skip
        ratio = f"  {load.rate / bare:.2f} of bare" if expected == 304 and bare else ""
        print(f"{name:<22}  {load.rate:7.0f} req/s{ratio}  (rounds {min(load.rounds):.0f}–"
              f"{max(load.rounds):.0f}; {tally}; with a body: {load.nonempty:,}; errors: "
              f"{load.errors}) {'OK' if ok else 'NOT AS EXPECTED'}")  # fmt: skip
    worst = min(loads["(a) If-None-Match"].rate, loads["(b) If-Modified-Since"].rate) / bare
    print(f"goal                304 at >= {GOAL} of bare -> {'met' if worst >= GOAL else 'NOT met'} "
          f"(lowest {worst:.2f})")  # fmt: skip
    return worst


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
    parser.add_argument("--seconds", type=float, default=10, help="load per target (10)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds the seconds are cut into (5)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (2: keep-alive)")
    parser.add_argument("--connections", type=int, default=8, help="client connections (8)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="load generator (auto: wrk when installed)")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="profile even when the goal is met")
    parser.add_argument(
        "--profile-calls", type=int, default=2000, help="requests to profile (2000)"
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines to show (15)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
