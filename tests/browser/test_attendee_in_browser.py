"""An attendee in Chromium, on a phone and a laptop: a refused form puts the focus on its error
summary; the confirmation and manage pages sum the registration up, reflow at 320 px without
sideways scrolling and pass axe, before and after cancelling; a consent is withdrawn there."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
THEMADAG = "/activiteiten/themadag-generaties-in-de-wijk"


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0


def widths_fit(page) -> dict[int, tuple[int, int]]:
    """{viewport width: (scrollWidth, innerWidth)} where the page scrolls sideways."""
    page.wait_for_load_state("load")  # a page reached by a click may still be loading its CSS
    wrong = {}
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wrong[width] = (scroll, inner)
    page.set_viewport_size({"width": 1280, "height": 900})
    return wrong


def screenshots(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_refused_form_puts_the_focus_on_its_error_summary(page, live_server, demo):
    page.goto(live_server + THEMADAG)
    page.locator("form.stacked").get_by_role("button", name="Aanmelden").click()
    summary = page.locator(".error-summary")
    # The click only waits for the refused page to commit; forms.js moves the focus once loaded.
    expect(summary).to_be_focused()
    assert "Privacyverklaring: Dit veld is vereist." in summary.inner_text()
    assert ".:" not in summary.inner_text()
    assert axe_violations(page) == []
    assert widths_fit(page) == {}

    summary.get_by_role("link", name=re.compile("^Privacyverklaring")).click()
    assert page.evaluate("document.activeElement.id") == "privacy"
    assert page.csp_violations == []


def test_register_see_the_summary_withdraw_a_consent_and_cancel(
    page, live_server, demo, mailbox, app
):
    app.config["BASE_URL"] = live_server  # links in mail point at this server
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + THEMADAG)
    form = page.locator("form.stacked")
    form.get_by_label("Naam", exact=True).fill("Fatma Yilmaz-van den Broek")
    form.get_by_label("E-mailadres").fill("fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example")
    form.get_by_label("Ik heb de privacyverklaring gelezen.").check()
    form.get_by_label("Ja, stuur mij de nieuwsbrief").check()
    for group in form.locator("fieldset fieldset").all():  # one workshop in each ronde
        group.locator("input[type=radio]").first.check()
    form.get_by_role("button", name="Aanmelden").click()

    assert page.locator("h1").inner_text() == "Kijk in uw mail"
    summary = page.locator(".summary").inner_text()
    assert "fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example" in summary
    assert "U heeft een plaats" in summary and "Kapittelweg 33" in summary
    assert page.locator(".summary-workshops li").count() >= 2  # one line per workshop
    assert axe_violations(page) == []
    assert widths_fit(page) == {}
    screenshots(page, "registered")

    # Two mails: the registration, and the newsletter's double opt-in.
    mails = {m["Subject"]: m.get_body(preferencelist=("plain",)).get_content()
             for m in mailbox.wait_for(2)}  # fmt: skip
    text = next(t for s, t in mails.items() if "nieuwsbrief" not in s)
    link = re.search(re.escape(live_server) + r"/aanmelding/[\w-]+", text).group(0)
    page.goto(link)
    assert "Gevraagd op" in page.locator(".consents").inner_text()  # not on the list yet
    confirm = re.search(re.escape(live_server) + r"/meedoen/bevestigen/[\w.-]+",
                        mails["Bevestig uw aanmelding voor de nieuwsbrief"]).group(0)  # fmt: skip
    page.goto(confirm)
    page.get_by_role("button", name="Ja, ik bevestig").click()
    page.goto(link)
    assert "Gegeven op" in page.locator(".consents").inner_text()
    assert "U heeft een plaats" in page.locator(".summary").inner_text()
    assert page.locator(".summary-workshops li").count() >= 2
    assert axe_violations(page) == []
    assert widths_fit(page) == {}
    screenshots(page, "manage")

    page.get_by_role("button", name="Toestemming voor de nieuwsbrief intrekken").click()
    assert "Uw toestemming is ingetrokken." in page.locator(".flashes").inner_text()
    assert page.get_by_role("button", name="Ja, stuur mij de nieuwsbrief").is_visible()

    page.get_by_role("link", name="Afmelden").click()
    page.get_by_role("button", name="Ja, afmelden").click()
    summary = page.locator(".summary").inner_text()
    assert re.search(r"Afgemeld op \w+", summary)
    assert page.locator(".summary-workshops").count() == 0
    assert page.get_by_role("link", name="Workshops kiezen of wijzigen").count() == 0
    assert axe_violations(page) == []
    assert widths_fit(page) == {}
    screenshots(page, "manage-cancelled")
    assert page.csp_violations == []
