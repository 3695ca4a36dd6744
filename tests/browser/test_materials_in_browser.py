"""Materials in Chromium: a theme's "Praktijk en tools" (searched) passes axe and never scrolls
sideways on a phone or a laptop; an attendee opens their manage page and downloads a file that
is only for attendees."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from tests.browser.fixtures import axe_violations
from tests.knowledge import material_world
from tests.knowledge.material_world import DOCX

pytestmark = pytest.mark.browser

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures
ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
LONG = "Intergenerationele-overdracht-in-de-wijk-een-handreiking-voor-professionals"


def sideways(page) -> dict[int, tuple[int, int]]:
    """{viewport width: (scrollWidth, innerWidth)} where the page scrolls sideways; axe at each."""
    page.wait_for_load_state("load")  # a page reached by a click may still be loading its CSS
    wrong = {}
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wrong[width] = (scroll, inner)
        assert axe_violations(page) == [], width
    return wrong


def screenshots(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def theme_with_a_shelf(make_theme, past_evening, add_material):
    theme = make_theme("Intergenerationele overdracht")
    evening = past_evening(themes=[theme])
    add_material(evening.event, f"Slides: {LONG}", description="Wat **werkt** bij ontmoetingen "
                 "tussen jong en oud: https://example.org/" + LONG, publish=True)  # fmt: skip
    add_material(evening.event, "Werkblad voor deelnemers", DOCX, "werkblad.docx",
                 kind="handout", audience="attendees", publish=True)  # fmt: skip
    add_material(theme, "Gesprekskaarten", kind="practice", url="https://example.org/" + LONG,
                 description="Ideeën om het gesprek te openen.")  # fmt: skip
    db.session.commit()
    return theme, evening


def test_praktijk_en_tools_searched_passes_axe_and_reflows(page, live_server, theme_with_a_shelf):
    theme, _evening = theme_with_a_shelf
    page.goto(f"{live_server}/themas/{theme.slug}")
    section = page.locator("section.shelf")
    assert "Gesprekskaarten" in section.inner_text()
    assert "Werkblad voor deelnemers" not in section.inner_text()
    assert sideways(page) == {}
    section.get_by_label("Zoek in praktijk en tools").fill("IDEEEN")
    section.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/praktijk-en-tools?q=IDEEEN")
    assert page.locator("h1").inner_text() == "Praktijk en tools"
    assert page.locator(".shelf-count").inner_text() == "1 resultaat voor “IDEEEN”."
    assert page.locator(".material-title").all_inner_texts() == ["Gesprekskaarten"]
    assert sideways(page) == {}
    screenshots(page, "praktijk-en-tools")

    page.goto(f"{live_server}/themas/{theme.slug}/praktijk-en-tools?q=bestaat-niet")
    assert "Niets gevonden voor “bestaat-niet”." in page.locator("main").inner_text()
    assert sideways(page) == {}
    page.goto(f"{live_server}/themas/{theme.slug}/praktijk-en-tools")
    assert page.locator(".material-title").count() == 2
    assert sideways(page) == {}
    assert page.csp_violations == []


def test_an_attendee_downloads_a_file_only_for_attendees(page, live_server, theme_with_a_shelf):
    _theme, evening = theme_with_a_shelf
    page.goto(f"{live_server}/activiteiten/{evening.event.slug}")
    materials = page.locator("section.materials")
    assert "Werkblad voor deelnemers" in materials.inner_text()
    assert materials.get_by_role("link", name="Werkblad voor deelnemers").count() == 0
    assert sideways(page) == {}

    page.goto(f"{live_server}/aanmelding/{evening.tokens['Anna de Vries']}")
    mine = page.locator("section.materials")
    assert "Materialen van deze activiteit" in mine.inner_text()
    assert sideways(page) == {}
    screenshots(page, "manage-materials")
    with page.expect_download() as download:
        mine.get_by_role("link", name="Werkblad voor deelnemers").click()
    assert download.value.suggested_filename == "werkblad.docx"
    assert Path(download.value.path()).read_bytes() == DOCX
    assert page.csp_violations == []
