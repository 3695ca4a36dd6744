"""The demo themadag's page and the programme in a real Chromium, on a phone and a laptop: the
"Aanmelden" button is in the first screen and jumps to the form, nothing scrolls sideways,
axe finds nothing. Screenshots go to /tmp/kennisagenda-artefacts for a person to look at."""

from pathlib import Path

import pytest

from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
THEMADAG = "/activiteiten/themadag-generaties-in-de-wijk"
SCREENS = {320: 640, 390: 844, 1280: 800}  # width: height (a small phone, a phone, a laptop)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def _at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": SCREENS[width]})


def _scrolls_sideways(page) -> bool:
    page.wait_for_load_state("load")  # a page reached by a click may still be loading its CSS
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_register_button_is_in_the_first_screen_and_jumps_to_the_form(
    page, live_server, demo, width
):
    _at_width(page, width)
    page.goto(live_server + THEMADAG)
    summary = page.locator(".event-summary")
    for fact in ("Wanneer", "Waar", "Kosten", "Gratis", "Plaatsen", "Accreditatie"):
        assert fact in summary.inner_text()
    assert summary.get_by_role("link", name="Route en kaart op OpenStreetMap").is_visible()
    button = page.get_by_role("link", name="Aanmelden", exact=True)
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= SCREENS[width], box
    assert axe_violations(page) == []
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"event-page-{width}.png"), full_page=True)

    button.click()
    page.wait_for_function("() => location.hash === '#aanmelden'")
    heading = page.locator("#aanmelden").bounding_box()
    assert 0 <= heading["y"] < SCREENS[width] / 2, heading  # the form's heading, at the top
    assert page.get_by_label("Naam", exact=False).first.is_visible()
    assert page.csp_violations == []


@pytest.mark.parametrize("width", [390, 1280])
def test_programme_cards_in_the_browser(page, live_server, demo, width):
    _at_width(page, width)
    page.goto(live_server + "/")
    card = page.locator(".event-card", has_text="Generaties in de wijk")
    assert card.locator(".event-kind").count() == 0  # "Themadag: …" says its kind itself
    assert "plaatsen vrij" in card.inner_text()
    assert axe_violations(page) == []
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"programme-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize(
    "path", [THEMADAG, "/", "/archief", "/themas/intergenerationele-overdracht"]
)
def test_no_sideways_scrolling_on_a_phone(page, live_server, demo, width, path):
    _at_width(page, width)
    page.goto(live_server + path)
    assert not _scrolls_sideways(page), page.evaluate(
        """() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )


def test_on_a_phone_the_agenda_puts_times_above_the_workshops(page, live_server, demo):
    _at_width(page, 390)
    page.goto(live_server + THEMADAG)
    ronde = page.locator(".agenda-ronde").first
    time = ronde.locator(".agenda-time").bounding_box()
    first_workshop = ronde.locator(".workshop").first.bounding_box()
    assert time["y"] + time["height"] <= first_workshop["y"]
    assert first_workshop["x"] - time["x"] < 5  # not in a column beside them
