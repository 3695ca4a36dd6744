"""A real server and a crowd of real HTTP clients, for the rush tests and the benchmarks.

`serve()` starts the app under gunicorn in its own processes, configured only through the
environment, as in production. `Visitor` is one person's browser: it keeps its cookies, reads
the CSRF token from the page and posts the form, never following redirects."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from threading import Barrier

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(database_url: str, *, workers: int, threads: int = 1, env: dict | None = None,
          app: str = "wsgi:app", connections_per_worker: int | None = None):  # fmt: skip
    """Run `app` under gunicorn on a free port; yield its base URL; stop it afterwards.
    `connections_per_worker`: the most a threaded worker holds open at once (gunicorn's
    `--worker-connections`); see bench/pages.py."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "rush-secret-key",
        "BASE_URL": base_url,
        "APP_ENV": "development",
        "RATELIMIT_ENABLED": "false",
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
               "--log-level", "warning", app]  # fmt: skip
    if connections_per_worker is not None:
        command[-1:-1] = ["--worker-connections", str(connections_per_worker)]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        _wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base_url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    """Return once the server answers a page. While gunicorn's workers are still importing the
    app, the port already accepts connections and a probe may time out, be refused or be reset:
    every such connection-level error means "not yet", until the server dies or time runs out."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while (remaining := deadline - time.monotonic()) > 0:
        if server.poll() is not None:
            raise RuntimeError(
                f"the server at {base_url} exited with code {server.returncode} before it "
                f"answered (last probe: {last_error!r}); see its output above"
            )
        try:
            with urllib.request.urlopen(base_url + "/contact", timeout=min(5.0, remaining)):
                return
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
            last_error = error
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
    raise RuntimeError(
        f"the server at {base_url} did not answer within {timeout:.0f} s "
        f"(last probe: {last_error!r})"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One person's browser session."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form_token(self, path: str) -> str:
        status, html = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} gave {status}")
        return CSRF.search(html).group(1)


def rush(
    visitors: list[Visitor], pages: list[str], posts: list[tuple[str, dict]]
) -> list[tuple[int, float]]:
    """Each visitor opens its page (for the CSRF token and cookie); then all post at once.
    Returns (status, seconds) per post."""
    barrier = Barrier(len(visitors))

    def one(i: int) -> tuple[int, float]:
        token = visitors[i].form_token(pages[i])
        barrier.wait(timeout=120)  # one visitor failing breaks it for all: no silent hang
        path, data = posts[i]
        started = time.perf_counter()
        status, _body = visitors[i].request(path, {**data, "csrf_token": token})
        return status, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        return list(pool.map(one, range(len(visitors))))
