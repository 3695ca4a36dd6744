"""The programme, an event, the language switch and the organiser flow, in a real Chromium."""

import re

import pytest

from tests.browser.fixtures import axe_violations, follow

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def test_visitor_filters_opens_an_event_and_switches_to_english(page, live_server, demo):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Programma"
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_label("Thema", exact=True).select_option(label="Armoede en bestaanszekerheid")
    page.get_by_role("button", name="Toon").click()
    cards = page.locator(".event-card h2")
    assert cards.all_inner_texts() == ["Geldzorgen bespreekbaar maken"]

    page.get_by_label("Thema", exact=True).select_option(label="Alle thema's")
    page.get_by_label("Soort", exact=True).select_option(label="Themadag")
    page.get_by_role("button", name="Toon").click()
    page.get_by_role("link", name="Themadag: Generaties in de wijk").click()
    assert page.locator("h1").inner_text() == "Themadag: Generaties in de wijk"
    assert "SKJ" in page.locator(".facts").inner_text()
    assert "uur" in page.locator(".facts dd").first.inner_text()

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Themadag: Generaties in de wijk"  # same page
    assert "When" in page.locator(".facts").inner_text()
    page.get_by_role("link", name="Programme").first.click()
    assert page.locator("h1").inner_text() == "Programme"  # the choice is remembered
    assert page.csp_violations == []


def test_cancelled_event_is_marked_in_the_browser(page, live_server, demo):
    page.goto(live_server + "/activiteiten/kenniscafe-school-en-wijkteam")
    assert "Deze activiteit gaat niet door." in page.locator(".notice-cancelled").inner_text()


def test_organiser_creates_and_publishes_an_event_that_then_is_on_the_programme(
    page, live_server, demo
):
    page.goto(live_server + "/beheer/activiteiten/nieuw")
    assert "/beheer/inloggen" in page.url  # the organiser area asks for a login first
    page.get_by_label("E-mailadres").fill("organisator@kennisagenda.example")
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    assert page.url.endswith("/beheer/activiteiten/nieuw")  # back where they wanted to go

    page.get_by_label("Soort activiteit").select_option("kenniscafe")
    page.get_by_label("Titel").fill("Buurtgezinnen: wat leren we ervan?")
    page.get_by_label("Korte samenvatting").fill("Over gezinnen die elkaar steunen.")
    page.get_by_label("Begint op").fill("2030-05-14T19:30")
    page.get_by_label("Eindigt op").fill("2030-05-14T21:30")
    page.get_by_label("Locatie").fill("Wijkcentrum De Schakel")
    page.get_by_label("Plaats", exact=True).fill("Nijmegen")
    page.get_by_label("Aantal plaatsen").fill("30")
    page.get_by_label("Jeugd en gezin").check()
    page.get_by_role("button", name="Concept aanmaken").click()
    assert "Concept aangemaakt" in page.locator(".flashes").inner_text()

    page.get_by_role("button", name="Publiceren").click()
    assert "staat nu in het programma" in page.locator(".flashes").inner_text()

    page.get_by_role("link", name="Programma").first.click()
    card = page.locator(".event-card", has_text="Buurtgezinnen: wat leren we ervan?")
    assert "dinsdag 14 mei 2030, 19.30–21.30 uur" in card.inner_text()
    assert page.csp_violations == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/activiteiten/themadag-generaties-in-de-wijk",
        "/activiteiten/kenniscafe-school-en-wijkteam",
        "/themas/intergenerationele-overdracht",
        "/beheer/inloggen",
        "/archief",
        "/toegankelijkheid",
    ],
)
def test_public_pages_have_no_wcag_aa_violations(page, live_server, demo, path):
    page.goto(live_server + path)
    assert axe_violations(page) == []


def test_organiser_pages_have_no_wcag_aa_violations(page, live_server, demo):
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill("beheer@kennisagenda.example")
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    for path in ("/beheer/activiteiten", "/beheer/activiteiten/nieuw", "/beheer/gebruikers"):
        page.goto(live_server + path)
        assert axe_violations(page) == [], path
    page.goto(live_server + "/beheer/activiteiten")
    # The hidden event name follows an absolutely positioned span: Chromium names it "… : …".
    page.get_by_role("link", name=re.compile(r"^Aanmeldingen\s*: Themadag: Generaties")).click()
    assert page.locator("h1").inner_text() == "Aanmeldingen"
    assert axe_violations(page) == []
    for link in ("Bericht aan aangemelden", "Vragen op het formulier"):
        follow(page, page.get_by_role("link", name=link))
        assert axe_violations(page) == [], link
        page.go_back()
    # A form with errors, as a person sees it after a mistake.
    page.goto(live_server + "/beheer/activiteiten/nieuw")
    page.get_by_role("button", name="Concept aanmaken").click()
    assert page.locator(".error-summary").is_visible()
    assert axe_violations(page) == []


def test_the_checks_themselves_can_fail(page, live_server):
    """axe and the CSP listener do see problems: a page with a faulty field and an inline
    script is reported, so the zero counts above mean something."""
    page.goto(live_server + "/contact")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'text';"
        " document.querySelector('main').append(i); }"
    )
    assert "label" in {v["id"] for v in axe_violations(page)}
    try:
        page.add_script_tag(content="window.injected = true")
    except Exception:
        pass  # Playwright may report the blocked script as an error too
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in text for text in page.csp_violations)
