"""The audit log in a real Chromium: at 320, 390 and 1280 px the page never scrolls sideways
(the table scrolls in its own box, reachable by keyboard), and axe finds nothing, also when
the filter is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.privacy import audit
from app.privacy.audit import Action
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 1280)


@pytest.fixture
def admin_with_a_log(make_user, make_event, register):
    admin = make_user("admin", name="Bea Beheer")
    organiser = make_user(name="Anna-Maria Verschuuren-van den Boogaard")
    event = make_event(owner=organiser, title="Themadag: intergenerationele overdracht in de wijk")
    anna = register(event, "Anna Jansen")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n, (action, details) in enumerate([
        (Action.EXPORT, {"event": event, "detail": "aanmeldingen (xlsx): 47 personen"}),
        (Action.REGISTRATION_CHANGED, {"registration": anna,
                                       "detail": "plaats gegeven (was 1 op de wachtlijst, boven de capaciteit)"}),
        (Action.ERASED, {"registration": anna, "on_request_of": "e-mail van 3 maart 2026 via het secretariaat"}),
    ] * 3):  # fmt: skip
        entry = audit.record(action, by=organiser if n % 2 else admin, **details)
        entry.at = start + timedelta(hours=n)
    db.session.commit()
    return admin


def log_in(page, live_server, user, path):
    page.goto(f"{live_server}/beheer/inloggen?next={path}")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server + path)


def sideways(page) -> bool:
    page.wait_for_load_state("load")  # a page reached by a click may still be loading its CSS
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_log_reflows_and_passes_axe_at_every_width(page, live_server, admin_with_a_log):
    log_in(page, live_server, admin_with_a_log, "/beheer/auditlog")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/beheer/auditlog")
        assert page.locator("table.audit-log tbody tr").count() == 9
        assert not sideways(page), width
        assert axe_violations(page) == [], width
        box = page.locator(".table-scroll")
        if width == 320:  # the table scrolls in its box, which the keyboard can reach
            assert box.evaluate("b => b.scrollWidth > b.clientWidth")
            assert box.get_attribute("tabindex") == "0"
    assert page.csp_violations == []


def test_a_refused_filter_says_why_and_passes_axe(page, live_server, admin_with_a_log):
    log_in(page, live_server, admin_with_a_log, "/beheer/auditlog")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{live_server}/beheer/auditlog")
    page.get_by_label("Van").fill("2026-03-05")
    page.get_by_label("Tot en met").fill("2026-03-01")
    # Until the refused page has loaded (its stylesheet), its table may still stretch it: the
    # width is measured after that (it was once measured before, in CI, and failed).
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Toon").click()
    assert page.get_by_text("Kies een einddatum op of na de begindatum.").is_visible()
    assert page.get_by_role("alert").first.is_visible()
    assert not sideways(page)
    assert axe_violations(page) == []
