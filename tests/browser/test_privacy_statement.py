"""The privacy statement in Chromium, in Dutch and in English, with a privacy officer configured
(the longest version): axe finds nothing and the page never scrolls sideways, on a phone and a
laptop. Screenshots go to /tmp/kennisagenda-artefacts/privacy-*.png for a person to look at."""

import pytest

from tests.browser.fixtures import axe_violations
from tests.browser.test_attendee_in_browser import screenshots, widths_fit

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(base_config):
    return {**base_config, "PRIVACY_OFFICER_NAME": "Mr. drs. Anna-Maria Verschuuren-van den Boogaard",
            "PRIVACY_OFFICER_EMAIL": "functionaris-gegevensbescherming@hogeschool-arnhem-nijmegen.example"}  # fmt: skip


def test_the_statement_passes_axe_and_fits_in_dutch_and_english(page, live_server):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/privacy")
        assert page.locator("h1").inner_text() == "Privacyverklaring"
        assert page.locator("section.data-kind").count() > 10
        assert axe_violations(page) == [], width
    assert widths_fit(page) == {}
    screenshots(page, "privacy-nl")

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/privacy")
    assert page.locator("h1").inner_text() == "Privacy statement"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
    assert widths_fit(page) == {}
    screenshots(page, "privacy-en")
    assert page.csp_violations == []


def test_the_contents_links_lead_to_their_sections(page, live_server):
    page.goto(live_server + "/privacy")
    page.get_by_role("navigation", name="Op deze pagina").get_by_role(
        "link", name="Uw rechten"
    ).click()
    assert page.evaluate("location.hash") == "#rechten"
    assert page.locator("#rechten").is_visible()
