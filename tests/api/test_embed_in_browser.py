"""The embed script in a real Chromium, on a page of another website (another origin, with a
strict Content-Security-Policy and Trusted Types, so any innerHTML or inline style would fail):
the upcoming events appear as links, with dates as the site writes them, and no draft."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from app.timezones import format_period
from tests.browser.fixtures import CHROMIUM_ARGS, axe_violations, chromium_path

pytestmark = pytest.mark.browser

HOST_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Wijkteam Oost</title></head>
<body><main>
<h1>Agenda van de werkplaats</h1>
<div id="alles" data-kennisagenda data-limit="5"></div>
<h2 lang="en">Poverty</h2>
<div id="armoede" data-kennisagenda data-theme="armoede-en-bestaanszekerheid" data-limit="1"
     data-lang="en"></div>
<h2>Onbekend thema</h2>
<div id="fout" data-kennisagenda data-theme="bestaat-niet"></div>
<script src="{app}/static/kennisagenda-embed.js" async></script>
</main></body></html>"""


def in_chromium(check) -> None:
    """Run `check(browser)` in a thread of its own with its own Chromium: Playwright's sync API
    allows one instance per thread, and the browser tests keep theirs for the whole session."""
    from playwright.sync_api import sync_playwright

    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                try:
                    check(browser)
                finally:
                    browser.close()
        except BaseException as error:  # handed to the test's own thread below
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=90)
    assert not thread.is_alive(), "the browser check did not finish"
    if failures:
        raise failures[0]


@pytest.fixture
def other_website(live_server):  # noqa: F811
    """A tiny website on another origin (another host name and port) that embeds the agenda,
    under a CSP that allows only the Kennisagenda's script and API, and Trusted Types."""
    body = HOST_PAGE.replace("{app}", live_server).encode()
    policy = (f"default-src 'none'; script-src {live_server}; connect-src {live_server}; "
              "require-trusted-types-for 'script'")  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)


def test_the_embed_lists_upcoming_events_on_another_website(
    live_server,  # noqa: F811
    other_website,
    programme_world,
    register,
):
    register(programme_world.cafe, "Dana")  # the kenniscafé is now full
    world = programme_world
    upcoming = (world.cancelled, world.cafe, world.day)
    # Read here: the browser's thread has no app context to load attributes in.
    expected = SimpleNamespace(
        titles=[event.title for event in upcoming],
        hidden=[world.draft.title, world.past.title],
        cafe_url=f"http://kennisagenda.test/activiteiten/{world.cafe.slug}",
        dutch_times=[format_period(e.starts_at, e.ends_at, "nl") for e in upcoming],
        english_time=format_period(world.cafe.starts_at, world.cafe.ends_at, "en"),
    )
    in_chromium(lambda browser: check_other_website(browser, other_website, live_server, expected))


def check_other_website(browser, other_website, live_server, expected) -> None:  # noqa: F811
    # A visitor far away, in English: times are still Amsterdam's, in the list's language.
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    visitor = context.new_page()
    visitor.set_default_timeout(10_000)
    problems: list[str] = []
    visitor.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    visitor.on("pageerror", lambda error: problems.append(str(error)))
    try:
        visitor.goto(other_website)
        everything = visitor.locator("#alles .kennisagenda-list")
        everything.wait_for()
        links = everything.locator("a.kennisagenda-title")
        assert links.all_inner_texts() == expected.titles
        assert links.nth(1).get_attribute("href") == expected.cafe_url
        assert everything.get_attribute("aria-label") == "Activiteiten"
        text = everything.inner_text()
        assert all(title not in text for title in expected.hidden)
        items = everything.locator("li.kennisagenda-item")
        assert "Geannuleerd" in items.nth(0).inner_text()
        assert "kennisagenda-item--cancelled" in items.nth(0).get_attribute("class")
        assert "Vol" in items.nth(1).inner_text()
        assert "kennisagenda-item--full" in items.nth(1).get_attribute("class")
        for n, when in enumerate(expected.dutch_times):
            assert items.nth(n).locator(".kennisagenda-when").inner_text() == when
        assert (
            items.nth(1).locator(".kennisagenda-where").inner_text()
            == "Wijkcentrum De Schakel, Nijmegen"
        )

        english = visitor.locator("#armoede .kennisagenda-list")
        english.wait_for()
        assert english.locator("a").all_inner_texts() == [expected.titles[1]]
        assert english.get_attribute("aria-label") == "Events"
        assert english.locator(".kennisagenda-when").inner_text() == expected.english_time
        assert "Full" in english.inner_text()

        failed = visitor.locator("#fout .kennisagenda-message")
        failed.wait_for()
        assert failed.inner_text().startswith("De activiteiten konden niet worden geladen.")
        assert visitor.locator("#fout a").get_attribute("href") == live_server + "/"
        assert [p for p in problems if "404" not in p] == []  # the unknown theme's own 404 only
        assert axe_violations(visitor) == []
    finally:
        context.close()


def test_the_documentation_page_shows_a_live_example(live_server, programme_world):  # noqa: F811
    world = programme_world
    expected = [world.cancelled.title, world.cafe.title, world.day.title]

    def check(browser) -> None:
        context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
        page = context.new_page()
        page.set_default_timeout(10_000)
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        try:
            page.goto(live_server + "/api/v1/")
            example = page.locator(".api-example .kennisagenda-list")
            example.wait_for()
            assert example.locator("a").all_inner_texts() == expected
            assert axe_violations(page) == []
            assert blocked == []
        finally:
            context.close()

    in_chromium(check)
