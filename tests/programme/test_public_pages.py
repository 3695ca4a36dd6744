from datetime import timedelta

import pytest

from app.timezones import AMSTERDAM
from tests.conftest import local


def text(response) -> str:
    return response.get_data(as_text=True)


def test_programme_shows_upcoming_events_in_dutch(client, make_event):
    event = make_event(
        title="Wat gaat er goed tussen generaties?",
        starts_at=local(2030, 3, 12).astimezone(AMSTERDAM),
    )
    make_event(title="Nog geheim", status="draft")
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="nl">' in html
    assert event.title in html and "Nog geheim" not in html
    assert "dinsdag 12 maart 2030, 19.30–21.30 uur" in html


def test_past_events_are_in_the_archive_not_the_programme(client, make_event):
    past = make_event(title="Terugblik", starts_in=timedelta(days=-30))
    assert past.title not in text(client.get("/"))
    assert past.title in text(client.get("/archief"))


def test_programme_is_paginated(app, client, make_event):
    app.config["PROGRAMME_PAGE_SIZE"] = 2
    for days in (1, 2, 3):
        make_event(title=f"Activiteit over {days} dagen", starts_in=timedelta(days=days))
    first, second = text(client.get("/")), text(client.get("/?pagina=2"))
    assert "Activiteit over 1 dagen" in first and "Activiteit over 3 dagen" not in first
    assert "Activiteit over 3 dagen" in second and 'rel="prev"' in second
    assert client.get("/?pagina=3").status_code == 404


def test_programme_filters_by_theme_and_kind(client, make_event, make_theme):
    theme = make_theme("Armoede en bestaanszekerheid")
    in_theme = make_event(title="Geld en stress", themes=[theme])
    other = make_event(title="Iets anders")
    day = make_event(title="Grote themadag", kind="themadag")
    html = text(client.get(f"/?thema={theme.slug}"))
    assert in_theme.title in html and other.title not in html
    html = text(client.get("/?soort=themadag"))
    assert day.title in html and in_theme.title not in html


@pytest.mark.parametrize("query", ["?thema=bestaat-niet", "?soort=lezing"])
def test_unknown_filter_is_a_clear_400(client, query):
    response = client.get("/" + query)
    assert response.status_code == 400
    assert "Dit filter kennen we niet" in text(response)


def test_event_page_shows_what_when_where_themes_accreditation_and_places(
    client, make_event, make_theme
):
    from app.extensions import db
    from app.programme import services

    theme = make_theme("Intergenerationele overdracht")
    event = make_event(
        title="Wat gaat er goed tussen generaties?",
        starts_at=local(2030, 3, 12).astimezone(AMSTERDAM),
        venue_name="Wijkcentrum De Schakel", address="Thijmstraat 40", city="Nijmegen",
        themes=[theme], capacity=40,
    )  # fmt: skip
    services.add_accreditation(event, "Registerplein", "RP-2026-1", 2.5)
    db.session.commit()
    html = text(client.get(f"/activiteiten/{event.slug}"))
    for expected in ("Wat gaat er goed tussen generaties?", "dinsdag 12 maart 2030, 19.30–21.30 uur",
                     "Thijmstraat 40", "Intergenerationele overdracht", "Registerplein: 2,5 punten",
                     "Nog 40 plaatsen vrij"):  # fmt: skip
        assert expected in html


def test_full_and_unlimited_events_say_so(client, make_event):
    assert "Vol" in text(client.get(f"/activiteiten/{make_event(capacity=0).slug}"))
    assert "Geen maximum" in text(client.get(f"/activiteiten/{make_event(capacity=None).slug}"))


def test_cancelled_event_is_shown_clearly(client, make_event):
    event = make_event(status="cancelled")
    html = text(client.get(f"/activiteiten/{event.slug}"))
    assert "Geannuleerd." in html and "Deze activiteit gaat niet door." in html
    assert "Geannuleerd" in text(client.get("/"))


def test_draft_event_page_is_404_for_the_public(client, make_event):
    assert client.get(f"/activiteiten/{make_event(status='draft').slug}").status_code == 404


def test_theme_page_lists_its_upcoming_and_past_events(client, make_theme, make_event):
    theme = make_theme("Jeugd en gezin", description="Opvoeden in de wijk.", contact_name="Lotte de Vries",
                       contact_email="lotte@example.org")  # fmt: skip
    coming = make_event(title="Binnenkort", themes=[theme])
    past = make_event(title="Geweest", themes=[theme], starts_in=timedelta(days=-10))
    make_event(title="Ander thema")
    html = text(client.get(f"/themas/{theme.slug}"))
    assert "Opvoeden in de wijk." in html and "lotte@example.org" in html
    assert coming.title in html and past.title in html and "Ander thema" not in html
    assert theme.name in text(client.get("/themas"))
    assert client.get("/themas/bestaat-niet").status_code == 404


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/contact", "Contact en over ons"),
        ("/privacy", "Privacyverklaring"),
        ("/toegankelijkheid", "Toegankelijkheidsverklaring"),
    ],
)
def test_site_pages(client, url, expected):
    response = client.get(url)
    assert response.status_code == 200 and expected in text(response)


def test_language_switch_is_remembered(client, make_event):
    event = make_event(starts_at=local(2030, 3, 12).astimezone(AMSTERDAM))
    response = client.post("/taal", data={"taal": "en", "next": f"/activiteiten/{event.slug}"})
    assert response.status_code == 302 and response.location.endswith(f"/activiteiten/{event.slug}")
    html = text(client.get(f"/activiteiten/{event.slug}"))
    assert '<html lang="en">' in html
    assert "Tuesday 12 March 2030, 19:30–21:30" in html and "40 places left" in html
    assert "Programme" in text(client.get("/"))  # still English on the next page
    client.post("/taal", data={"taal": "nl"})
    assert "Programma" in text(client.get("/"))


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.post("/taal", data={"taal": "fr"}).status_code == 400
    response = client.post("/taal", data={"taal": "en", "next": "https://evil.example/"})
    assert response.location.endswith("/")
    assert "evil" not in response.location
