"""A theme's "Praktijk en tools": the public materials of its past events and what the work
team put on its shelf, newest first, searchable on title and description regardless of case
and accents; attendee-only materials and other themes' stay off it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.timezones import utcnow
from tests.knowledge import material_world

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures


@pytest.fixture
def shelf(past_evening, add_material, make_theme, make_event):
    """A theme with a past event (slides, an attendee-only worksheet, a report not yet
    published) and two items of its own; another theme with one item."""
    theme = make_theme("Intergenerationele overdracht")
    evening = past_evening(themes=[theme])
    now = utcnow()
    items = {
        "slides": add_material(evening.event, "Slides: jong en oud in de wijk",
                               description="Wat **werkt** bij ontmoetingen.", publish=True),
        "secret": add_material(evening.event, "Werkblad voor deelnemers", audience="attendees",
                               publish=True),
        "draft": add_material(evening.event, "Verslag in de maak"),
        "cards": add_material(theme, "Gesprekskaarten", kind="practice",
                              description="Ideeën om het GESPREK te openen: 50% tips_en_trucs."),
        "site": add_material(theme, "Website van het werkteam", url="https://example.org/team"),
    }  # fmt: skip
    # Newest first: the cards a week ago, the slides three days ago, the site today.
    items["cards"].published_at = now - timedelta(days=7)
    items["slides"].published_at = now - timedelta(days=3)
    other = make_theme("Armoede")
    add_material(other, "Iets over armoede")
    upcoming = make_event(themes=[theme], title="Komt nog")
    add_material(upcoming, "Slides van straks", publish=True)
    db.session.commit()
    return theme, items


def titles(page: str, names) -> list[str]:
    """The names in the order they appear on the page."""
    return sorted((n for n in names if n in page), key=page.index)


ALL = ["Website van het werkteam", "Slides: jong en oud in de wijk", "Gesprekskaarten",
       "Werkblad voor deelnemers", "Verslag in de maak", "Iets over armoede", "Slides van straks"]  # fmt: skip


def test_the_theme_page_shows_its_shelf_newest_first(client, shelf):
    theme, items = shelf
    page = client.get(f"/themas/{theme.slug}").get_data(as_text=True)
    assert 'id="praktijk-en-tools"' in page and "Praktijk en tools" in page
    assert titles(page, ALL) == ["Website van het werkteam", "Slides: jong en oud in de wijk",
                                 "Gesprekskaarten"]  # fmt: skip
    assert f'href="/materialen/{items["slides"].id}"' in page
    assert f'action="/themas/{theme.slug}/praktijk-en-tools"' in page


def test_the_full_list_without_a_search(client, shelf):
    theme, _items = shelf
    response = client.get(f"/themas/{theme.slug}/praktijk-en-tools")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 items." in page
    assert titles(page, ALL) == ["Website van het werkteam", "Slides: jong en oud in de wijk",
                                 "Gesprekskaarten"]  # fmt: skip


@pytest.mark.parametrize(
    "search, found",
    [
        ("gesprek", ["Gesprekskaarten"]),  # in the description, other case
        ("IDEEEN", ["Gesprekskaarten"]),  # without the accent
        ("ideeën", ["Gesprekskaarten"]),
        ("ontmoetingen", ["Slides: jong en oud in de wijk"]),  # in the description
        ("jong wijk", ["Slides: jong en oud in de wijk"]),  # every word, anywhere
        ("werkteam", ["Website van het werkteam"]),
        ("50%", ["Gesprekskaarten"]),  # % and _ are what they are, not wildcards
        ("tips_en", ["Gesprekskaarten"]),
        ("werkblad", []),  # attendee-only: not on the public shelf
        ("verslag", []),  # not published
        ("armoede", []),  # another theme's
    ],
)
def test_search_on_title_and_description(client, shelf, search, found):
    theme, _items = shelf
    response = client.get(f"/themas/{theme.slug}/praktijk-en-tools", query_string={"q": search})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert titles(page.split('class="shelf-count"')[1], ALL) == found
    if not found:
        assert "Niets gevonden voor" in page


def test_a_search_for_only_wildcards_finds_nothing_special(client, shelf):
    theme, _items = shelf
    page = client.get(f"/themas/{theme.slug}/praktijk-en-tools?q=%25").get_data(as_text=True)
    assert "1 resultaat" in page  # only "50%" holds a percent sign


def test_a_too_long_search_is_refused_with_a_message(client, shelf):
    theme, _items = shelf
    response = client.get(f"/themas/{theme.slug}/praktijk-en-tools", query_string={"q": "x" * 101})
    assert response.status_code == 400
    assert "Gebruik hoogstens 100 tekens." in response.get_data(as_text=True)


def test_an_empty_shelf_says_so(client, make_theme):
    theme = make_theme()
    assert "Er staat nog niets op de plank van dit thema." in client.get(
        f"/themas/{theme.slug}"
    ).get_data(as_text=True)
    assert "Er staat nog niets op de plank van dit thema." in client.get(
        f"/themas/{theme.slug}/praktijk-en-tools"
    ).get_data(as_text=True)


def test_the_list_pages_past_twenty(client, make_theme, add_material):
    theme = make_theme()
    for n in range(23):
        add_material(theme, f"Tool {n:02d}", url=f"https://example.org/{n}")
    first = client.get(f"/themas/{theme.slug}/praktijk-en-tools").get_data(as_text=True)
    assert "23 items." in first and "Pagina 1 van 2" in first
    second = client.get(f"/themas/{theme.slug}/praktijk-en-tools?pagina=2").get_data(as_text=True)
    assert second.count('class="material"') == 3
    assert client.get(f"/themas/{theme.slug}/praktijk-en-tools?pagina=3").status_code == 404
