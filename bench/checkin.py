"""Benchmark: check-ins per second through the desk's scan endpoint, and the badge PDF.

    python -m bench.checkin                      # a fresh PostgreSQL database, dropped after
    python -m bench.checkin --people 1000 --clients 16
    python -m bench.checkin --database-url URL   # an empty database of your own, kept after
    python -m bench.checkin --part scans         # only the scans (or: --part badges)

(1) Scans. One published event that starts in two hours, with `--people` registrations for
each of `--rounds` rounds (and some more for warming up), registered through the app's own
services with a badge code each, and `--clients` checkin accounts on its desk. The app
(bench/checkin_app.py) runs under gunicorn (bench.rush.serve; `--workers` x `--threads`, where
more than one thread means gthread, which keeps connections alive) on a fresh PostgreSQL
database (bench/checkin_data.py). Each desk logs in over HTTP, takes the scanner page's CSRF
token, then posts JSON over one keep-alive connection, as the scanner does; the desks run in
client processes. In each round, in turn:
    bare post     POST /bench/bare-post     {"code": …}: read the JSON, answer a small JSON
    bare insert   POST /bench/bare-insert   {"code": …}: the same plus one INSERT and a commit
    scan, new     POST /balie/<event>/scan  {"code": …}: everyone once -> 200 "stored"
    scan, again   the same people again (a second scan at the door)  -> 200 "already"
All four carry the same session cookie, X-CSRFToken header and body, so the bare ones pass
the same server, middleware, CSRF check and request hooks; only the view's work differs. A
scan loads the desk account from its session, checks that it may use this desk, finds the
registration by its code's hash, locks it, looks for a check-in that stands and inserts one.
Rates are medians over the rounds; ratios are against the bare endpoints of the same run.
Then the same four in-process (Flask's test client, no server): time and SQL statements per
request. Every answer is counted and checked, and the check-ins stored are counted.

(2) Badges. `printables.badges_pdf` for `--badges` people on Avery L7163 (14 a sheet), against
a bare reportlab canvas that draws the same labels at the same places: the same strings with
drawString in the same embedded DejaVu fonts, and a QrCodeWidget of the same URL per label,
without our fitting (sizes, line breaks, tussenvoegsels, ellipses) or QR sizing; and that
bare sheet without its QR codes. Timed in turn, `--badge-rounds` times each; medians.

The server, PostgreSQL, the client processes and this script share the machine's cores (the
count is printed): read the ratios, not the rates. The default run takes about two minutes."""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import statistics
import time
import urllib.request
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from threading import Thread
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from bench.calendar_data import make_app
from bench.checkin_data import (
    PASSWORD,
    SERVER_URL,
    Setup,
    badge_set,
    fresh_database,
    prepare,
    stored_counts,
    with_bare_posts,
)
from bench.rush import CSRF, Visitor, serve

META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
TARGETS = ("bare post", "bare insert", "scan, new", "scan, again")
EXPECTED = {"bare post": "200 ok", "bare insert": "200 stored", "scan, new": "200 stored",
            "scan, again": "200 already"}  # fmt: skip
IN_PROCESS = 200  # people for the in-process timing, apart from those of the rounds

# --- the desks: logged in over HTTP, then keep-alive clients in other processes ------------


class Desk(Visitor):
    """A desk volunteer's browser: logs in, opens the scanner, keeps its cookies and token."""

    def log_in(self, email: str, event_id: int) -> tuple[str, str]:
        """(Cookie header, CSRF token) of this desk's session."""
        token = self.form_token("/beheer/inloggen")
        status, _ = self.request("/beheer/inloggen",
                                 {"email": email, "password": PASSWORD, "csrf_token": token})  # fmt: skip
        if status != 302:
            raise RuntimeError(f"logging in as {email} gave {status}")
        status, page = self.request(f"/balie/{event_id}")
        if status != 200:
            raise RuntimeError(f"the scanner of event {event_id} gave {status} to {email}")
        jar = next(h.cookiejar for h in self.opener.handlers
                   if isinstance(h, urllib.request.HTTPCookieProcessor))  # fmt: skip
        return "; ".join(f"{c.name}={c.value}" for c in jar), META_CSRF.search(page).group(1)


@dataclass
class Tally:
    answers: Counter = field(default_factory=Counter)  # "200 stored", "404 unknown", …
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # connection errors, timeouts
    ended: float = 0.0  # time.monotonic(), the same clock in every process on the machine

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.answers + other.answers, self.latencies + other.latencies,
                     self.errors + other.errors, max(self.ended, other.ended))  # fmt: skip


def _answer(body: bytes) -> str:
    try:
        return str(json.loads(body).get("status", "?"))
    except (ValueError, AttributeError):
        return "not JSON"


def _desk_process(url: str, clients: list[tuple[str, str, list[bytes]]], start_at: float) -> Tally:
    """One thread per desk, one keep-alive connection each; all start at `start_at`."""
    parts = urlsplit(url)
    tallies: list[Tally] = []

    def desk(cookie: str, token: str, bodies: list[bytes]) -> None:
        tally = Tally()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": token, "Cookie": cookie}  # fmt: skip
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.connect()
        time.sleep(max(0.0, start_at - time.monotonic()))
        for body in bodies:
            started = time.perf_counter()
            try:
                connection.request("POST", parts.path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                tally.errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.answers[f"{response.status} {_answer(answer)}"] += 1
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        tally.ended = time.monotonic()
        connection.close()
        tallies.append(tally)

    threads = [Thread(target=desk, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(tallies, Tally())


@dataclass
class Load:
    tally: Tally
    seconds: float

    @property
    def rate(self) -> float:
        return sum(self.tally.answers.values()) / self.seconds


def post_all(pool: ProcessPoolExecutor, processes: int, url: str, desks: list[tuple[str, str]],
             codes: list[str]) -> Load:  # fmt: skip
    """Every code posted once, the codes dealt round the desks, the desks round the processes."""
    bodies = [json.dumps({"code": code}).encode() for code in codes]
    clients = [(cookie, token, bodies[i :: len(desks)]) for i, (cookie, token) in enumerate(desks)]
    start_at = time.monotonic() + 0.3  # time for every process to be handed its share
    futures = [pool.submit(_desk_process, url, clients[p::processes], start_at)
               for p in range(processes)]  # fmt: skip
    tally = sum((future.result() for future in futures), Tally())
    return Load(tally, tally.ended - start_at)


# --- the same four, in-process ------------------------------------------------------------


def in_process(database_url: str, setup: Setup, warm: list[str], codes: list[str]) -> None:
    """The four targets straight through WSGI with Flask's test client: no server, no sockets,
    one desk. Time and SQL statements per request: steadier than rates on a shared machine."""
    app = with_bare_posts(make_app(database_url))
    client = app.test_client()
    token = CSRF.search(client.get("/beheer/inloggen").get_data(as_text=True)).group(1)
    client.post("/beheer/inloggen", data={"email": setup.desks[0], "password": PASSWORD,
                                          "csrf_token": token})  # fmt: skip
    page = client.get(f"/balie/{setup.event_id}").get_data(as_text=True)
    headers = {"X-CSRFToken": META_CSRF.search(page).group(1)}
    scan = f"/balie/{setup.event_id}/scan"
    paths = {"bare post": "/bench/bare-post", "bare insert": "/bench/bare-insert",
             "scan, new": scan, "scan, again": scan}  # fmt: skip
    statements = Counter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", lambda *_: statements.update(["sql"]))
    for name in TARGETS:  # warm up on people scanned already
        for code in warm:
            client.post(paths[name], json={"code": code}, headers=headers)
    print(f"in-process          Flask test client, one desk, {len(codes)} people; per request:")
    per_request = {}
    for name in TARGETS:
        answers, before = Counter(), statements["sql"]
        started = time.perf_counter()
        for code in codes:
            response = client.post(paths[name], json={"code": code}, headers=headers)
            answers[f"{response.status_code} {response.get_json().get('status')}"] += 1
        per_request[name] = (time.perf_counter() - started) / len(codes)
        ok = answers[EXPECTED[name]] == len(codes)
        speed = {target: 1 / seconds for target, seconds in per_request.items()}
        print(f"  {name:<12} {per_request[name] * 1000:6.2f} ms, "
              f"{(statements['sql'] - before) / len(codes):4.1f} SQL statements  "
              f"{of_bare(name, speed):<40} {'OK' if ok else f'NOT AS EXPECTED: {dict(answers)}'}")  # fmt: skip
    engine.dispose()


# --- the badges ----------------------------------------------------------------------------


def bare_badges_pdf(badges: list, layout, *, qr_codes: bool = True) -> bytes:
    """The same labels at the same places without our fitting: each string drawn once at a
    fixed size in the same embedded font, and a QrCodeWidget of the URL, 24 mm square.
    Without `qr_codes`: the text alone, to show what the QR codes cost."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from app.attendance.printables import INK, MUTED, QR_QUIET_ZONE
    from app.printing import SANS, SANS_BOLD, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.page_width * mm, layout.page_height * mm))
    width, height, pad, qr = layout.width * mm, layout.height * mm, 4 * mm, 24 * mm
    for start in range(0, len(badges), layout.per_page):
        for index, badge in enumerate(badges[start : start + layout.per_page]):
            left, top = layout.position(index)
            x, y = left * mm, (layout.page_height - top - layout.height) * mm
            texts = ((badge.name, SANS_BOLD, 14, INK, height - pad - 14),
                     (badge.organisation, SANS, 9, MUTED, height - pad - 27),
                     (badge.event_title, SANS_BOLD, 7.5, MUTED, pad + 10),
                     (badge.event_date, SANS, 7.5, MUTED, pad))  # fmt: skip
            for text, font, size, colour, baseline in texts:
                canvas.setFont(font, size)
                canvas.setFillColor(colour)
                canvas.drawString(x + pad, y + baseline, text)
            if not qr_codes:
                continue
            widget = QrCodeWidget(badge.qr_url, barLevel="M", barBorder=QR_QUIET_ZONE)
            widget.barWidth = widget.barHeight = qr
            drawing = Drawing(qr, qr)
            drawing.add(widget)
            renderPDF.draw(drawing, canvas, x + width - pad - qr, y + (height - qr) / 2)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def time_badges(count: int, rounds: int) -> None:
    from app.attendance import printables

    layout = printables.LAYOUTS["L7163"]
    badges = badge_set(count)
    makers = {
        "printables.badges_pdf": lambda items: printables.badges_pdf(items, layout),
        "bare reportlab, same boxes": lambda items: bare_badges_pdf(items, layout),
        "  the same, text only": lambda items: bare_badges_pdf(items, layout, qr_codes=False),
    }
    pdfs = {name: make(badges[: layout.per_page]) for name, make in makers.items()}  # warm up
    times: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(rounds):  # in turn, so other work on the machine falls on each alike
        for name, make in makers.items():
            started = time.perf_counter()
            pdfs[name] = make(badges)
            times[name].append(time.perf_counter() - started)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nBadges: {count} people on {layout.label}, {rounds} rounds in turn, median")
    for name, pdf in pdfs.items():
        print(f"  {name:<28} {median[name]:6.2f} s  ({count / median[name]:6.0f} badges/s; "
              f"rounds {min(times[name]):.2f}–{max(times[name]):.2f} s; "
              f"{len(PAGE.findall(pdf))} pages, {len(pdf) / 1024:,.0f} KiB)")  # fmt: skip
    ours, bare = median["printables.badges_pdf"], median["bare reportlab, same boxes"]
    print(f"  ratio                        {ours / bare:.2f} x the bare sheet's time "
          f"(QR codes: {1 - median['  the same, text only'] / bare:.0%} of the bare sheet's)")  # fmt: skip


# --- the run -------------------------------------------------------------------------------


def time_scans(database_url: str, args) -> None:
    warm = args.clients * 4  # people scanned before the rounds, so every worker has done it
    print(f"Scans: {args.people} people a round, each scanned once (then again), "
          f"{args.rounds} rounds; the four targets in turn")  # fmt: skip
    setup = prepare(database_url, warm + args.people * args.rounds + IN_PROCESS, args.clients)
    print(f"setup               {len(setup.codes):,} registrations with a badge code, "
          f"{len(setup.desks)} desk accounts, in {setup.seconds:.1f} s", flush=True)  # fmt: skip
    processes = max(1, min(args.clients, os.cpu_count() or 1))
    loads: dict[str, list[Load]] = {name: [] for name in TARGETS}
    with serve(database_url, workers=args.workers, threads=args.threads,
               app="bench.checkin_app:app") as base, ProcessPoolExecutor(processes) as pool:  # fmt: skip
        desks = [Desk(base).log_in(email, setup.event_id) for email in setup.desks]
        scan = f"{base}/balie/{setup.event_id}/scan"
        paths = {"bare post": f"{base}/bench/bare-post", "bare insert": f"{base}/bench/bare-insert",
                 "scan, new": scan, "scan, again": scan}  # fmt: skip
        for name in TARGETS:  # warm up every worker, on people outside the rounds
            post_all(pool, processes, paths[name], desks, setup.codes[:warm])
        for r in range(args.rounds):
            codes = setup.codes[warm + r * args.people : warm + (r + 1) * args.people]
            for name in TARGETS:
                loads[name].append(post_all(pool, processes, paths[name], desks, codes))
    print(f"load average        {os.getloadavg()[0]:.1f} at the end of the load")
    report(loads, args.people)
    in_process(database_url, setup, setup.codes[:warm], setup.codes[-IN_PROCESS:])
    counts = stored_counts(database_url, setup.event_id)
    people_in = len(setup.codes)
    print(f"stored              {counts['check-ins']:,} check-ins ({counts['standing']:,} standing, "
          f"{counts['people in']:,} people; expected {people_in:,} each), "
          f"{counts['bare rows']:,} bare rows")  # fmt: skip


def of_bare(name: str, speed: dict[str, float]) -> str:
    """`name`'s speed as a fraction of each bare endpoint's before it in TARGETS."""
    return ", ".join(f"{speed[name] / speed[bare]:.2f} of {bare}" for bare in TARGETS[:2]
                     if TARGETS.index(bare) < TARGETS.index(name))  # fmt: skip


def report(loads: dict[str, list[Load]], people: int) -> None:
    rates = {
        name: statistics.median(load.rate for load in rounds) for name, rounds in loads.items()
    }
    for name, rounds in loads.items():
        tally = sum((load.tally for load in rounds), Tally())
        latencies = sorted(tally.latencies)
        answers = ", ".join(f"{a}: {n:,}" for a, n in sorted(tally.answers.items()))
        ok = tally.answers[EXPECTED[name]] == people * len(rounds) and not tally.errors
        print(f"{name:<12} {rates[name]:7.0f} /s  {of_bare(name, rates)}".rstrip())
        print(f"{'':<12} (rounds {min(x.rate for x in rounds):.0f}–{max(x.rate for x in rounds):.0f}/s;"
              f" latency median {latencies[len(latencies) // 2] * 1000:.1f} ms, p95 "
              f"{latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms; {answers}; errors: "
              f"{tally.errors}) {'OK' if ok else 'NOT AS EXPECTED'}")  # fmt: skip


def run(args) -> None:
    cores = os.cpu_count()
    print("What: check-ins per second through POST /balie/<event>/scan against bare JSON "
          "endpoints in the same server; the badge PDF against a bare reportlab sheet.")  # fmt: skip
    print(f"machine             {cores} cores, load average {os.getloadavg()[0]:.1f} before the "
          "start: server, database, client processes and this script share them")  # fmt: skip
    if args.part in ("all", "scans"):
        print(f"server              gunicorn, {args.workers} worker(s) x {args.threads} thread(s), "
              "bench.checkin_app:app")  # fmt: skip
        print(f"clients             {args.clients} desks (own login each), one keep-alive "
              f"connection each, in {max(1, min(args.clients, cores or 1))} processes")  # fmt: skip
        if args.database_url:
            print(f"database            {args.database_url.split(':', 1)[0]} (given, kept)")
            time_scans(args.database_url, args)
        else:
            with fresh_database(args.server) as url:
                name = sa.make_url(url).database
                print(f"database            PostgreSQL, fresh database {name} (dropped after)")
                time_scans(url, args)
    if args.part in ("all", "badges"):
        time_badges(args.badges, args.badge_rounds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )  # fmt: skip
    parser.add_argument("--part", choices=["all", "scans", "badges"], default="all")
    parser.add_argument("--server", metavar="URL", default=SERVER_URL,
                        help=f"PostgreSQL server to make the fresh database on ({SERVER_URL})")  # fmt: skip
    parser.add_argument("--database-url", metavar="URL",
                        help="an empty database to use instead (migrated, filled, kept)")  # fmt: skip
    parser.add_argument("--people", type=int, default=300, help="people scanned a round (300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four targets (3)")
    parser.add_argument("--clients", type=int, default=8, help="desks posting at once (8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (2: keep-alive)")
    parser.add_argument("--badges", type=int, default=300, help="badges in the PDF (300)")
    parser.add_argument("--badge-rounds", type=int, default=3, help="timings of each PDF (3)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
