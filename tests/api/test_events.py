"""GET /api/v1/events, /events/<slug> and /themes: what they list, filter, page and say."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.activity import services as activity
from app.agenda import services as agenda
from app.extensions import db
from app.timezones import AMSTERDAM
from tests.conftest import local


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [event["title"] for event in response.json]


def links(response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    }


def test_upcoming_published_and_cancelled_events_soonest_first_never_drafts(
    client, programme_world
):
    response = client.get("/api/v1/events")
    assert titles(response) == ["Kenniscafé School en wijkteam", "Geldzorgen bespreekbaar maken",
                                "Themadag: Generaties in de wijk"]  # fmt: skip
    assert [e["status"] for e in response.json] == ["cancelled", "published", "published"]
    assert response.headers["X-Total-Count"] == "3"


def test_an_event_says_what_when_where_and_how_full(client, programme_world):
    cafe = next(
        e for e in client.get("/api/v1/events").json if e["slug"] == programme_world.cafe.slug
    )
    starts = programme_world.cafe.starts_at.astimezone(AMSTERDAM).isoformat()
    assert cafe["starts_at"] == starts and re.search(r"[+-]0[12]:00$", starts)
    assert cafe["kind"] == "kenniscafe" and cafe["venue"] == "Wijkcentrum De Schakel"
    assert cafe["city"] == "Nijmegen" and cafe["summary"] == "Over geld en stress"
    assert cafe["themes"] == [
        {"slug": "armoede-en-bestaanszekerheid", "name": "Armoede en bestaanszekerheid"}
    ]
    assert cafe["url"] == f"http://kennisagenda.test/activiteiten/{programme_world.cafe.slug}"
    assert cafe["places_left"] == 1  # capacity 2, Bert has a place
    assert cafe["registration_open"] is True and cafe["online"] is False


def test_unlimited_places_are_null_and_a_cancelled_event_is_closed(client, programme_world):
    events = {e["title"]: e for e in client.get("/api/v1/events").json}
    day = events["Themadag: Generaties in de wijk"]
    assert day["places_left"] is None and day["online"] is True
    assert "meet.example" not in str(day)  # the online link is for registrants only
    assert events["Kenniscafé School en wijkteam"]["registration_open"] is False


def test_filter_by_theme_and_kind(client, programme_world):
    assert titles(client.get("/api/v1/events?theme=jeugd-en-gezin")) == [
        "Kenniscafé School en wijkteam", "Themadag: Generaties in de wijk"]  # fmt: skip
    assert titles(client.get("/api/v1/events?kind=themadag")) == ["Themadag: Generaties in de wijk"]
    assert (
        titles(client.get("/api/v1/events?theme=armoede-en-bestaanszekerheid&kind=themadag")) == []
    )


def test_from_and_to_are_amsterdam_calendar_days(client, make_event):
    # 23.30 on 12 March in Amsterdam is 22.30 UTC; 00.30 on 13 March is still 12 March in UTC.
    late = make_event(title="Laat op de twaalfde", starts_at=local(2030, 3, 12, 23, 30), hours=0.5)
    early = make_event(title="Vroeg op de dertiende", starts_at=local(2030, 3, 13, 0, 30), hours=1)
    assert late.starts_at.hour == 22 and early.starts_at.day == 12
    assert titles(client.get("/api/v1/events?from=2030-03-12&to=2030-03-12")) == [
        "Laat op de twaalfde"
    ]
    assert titles(client.get("/api/v1/events?from=2030-03-13&to=2030-03-13")) == [
        "Vroeg op de dertiende"
    ]
    assert titles(client.get("/api/v1/events?from=2030-03-13")) == ["Vroeg op de dertiende"]
    assert titles(client.get("/api/v1/events?to=2030-03-11")) == []
    assert titles(client.get("/api/v1/events?from=2030-03-14&to=2030-03-01")) == []


def test_dates_reach_the_archive_and_far_dates_do_not_fail(client, programme_world):
    assert "Terugblik op vorig jaar" not in titles(client.get("/api/v1/events"))
    assert "Terugblik op vorig jaar" in titles(client.get("/api/v1/events?from=2000-01-01"))
    assert len(titles(client.get("/api/v1/events?from=0001-01-01&to=9999-12-31"))) == 4


def test_pages_with_link_headers_keep_the_filters(client, make_event):
    for day in range(1, 6):
        make_event(title=f"Over {day} dagen", starts_in=timedelta(days=day))
    first = client.get("/api/v1/events?per_page=2&kind=kenniscafe&lang=en&_=1")
    assert titles(first) == ["Over 1 dagen", "Over 2 dagen"]
    assert first.headers["X-Total-Count"] == "5"
    assert set(links(first)) == {"first", "next", "last"}
    for url in links(first).values():
        assert url.startswith("http://localhost/api/v1/events?")
        assert "per_page=2" in url and "kind=kenniscafe" in url and "lang=en" in url
        assert "_=" not in url
    assert "page=3" in links(first)["last"]

    second = client.get(links(first)["next"])
    assert titles(second) == ["Over 3 dagen", "Over 4 dagen"]
    assert (
        set(links(second)) == {"first", "prev", "next", "last"}
        and "page=1" in links(second)["prev"]
    )
    third = client.get(links(second)["next"])
    assert titles(third) == ["Over 5 dagen"] and set(links(third)) == {"first", "prev", "last"}

    beyond = client.get("/api/v1/events?per_page=2&page=9")
    assert titles(beyond) == [] and "page=3" in links(beyond)["prev"]


def test_an_empty_programme_is_an_empty_list_with_one_page(client):
    response = client.get("/api/v1/events")
    assert response.json == [] and response.headers["X-Total-Count"] == "0"
    assert set(links(response)) == {"first", "last"}


def test_one_event_with_its_agenda_rooms_and_speakers(client, programme_world):
    response = client.get(f"/api/v1/events/{programme_world.day.slug}")
    assert response.status_code == 200
    event = response.json
    assert event["title"] == "Themadag: Generaties in de wijk" and event["kind"] == "themadag"
    sessions = {s["title"]: s for s in event["sessions"]}
    assert [s["title"] for s in event["sessions"]] == ["Opening", "Wonen", "Geld", "Lunch"]
    assert sessions["Opening"]["speakers"] == [
        {"name": "Fatima El Amrani", "organisation": "Lectoraat Wijk"}
    ]
    assert sessions["Opening"]["room"] == "Aula" and sessions["Opening"]["places_left"] is None
    assert sessions["Wonen"]["places_left"] == 1  # room of 2, Anna chose it
    assert sessions["Geld"]["places_left"] == 10  # its own capacity, not the room's
    assert sessions["Wonen"]["ronde"] == sessions["Geld"]["ronde"] == 1
    assert sessions["Lunch"]["kind"] == "break" and sessions["Lunch"]["room"] is None
    assert sessions["Wonen"]["starts_at"].endswith(("+01:00", "+02:00"))
    assert event["rooms"] == [
        {
            "name": "Aula",
            "capacity": 80,
            "accessibility_notes": "Rolstoeltoegankelijk, ringleiding",
        },
        {"name": "Zaal 1.12", "capacity": 2, "accessibility_notes": ""},
    ]


def test_a_cancelled_session_stays_with_its_status(client, programme_world):
    agenda.cancel_session(programme_world.sessions.geld)
    db.session.commit()
    sessions = {
        s["title"]: s
        for s in client.get(f"/api/v1/events/{programme_world.day.slug}").json["sessions"]
    }
    assert sessions["Geld"]["status"] == "cancelled" and sessions["Geld"]["places_left"] is None
    assert sessions["Geld"]["ronde"] is None and sessions["Wonen"]["status"] == "scheduled"


def test_a_full_workshop_and_a_full_event_show_zero_places(client, programme_world, register):
    from app.registration.services import RegistrationDetails

    details = RegistrationDetails(name="Chris", email="chris@deelnemer.example")
    activity.register(programme_world.day.id, details, [programme_world.sessions.wonen.id])
    db.session.commit()  # one lock per transaction
    register(programme_world.cafe, "Dana")
    day = client.get(f"/api/v1/events/{programme_world.day.slug}").json
    assert next(s for s in day["sessions"] if s["title"] == "Wonen")["places_left"] == 0
    cafe = client.get(f"/api/v1/events/{programme_world.cafe.slug}").json
    assert cafe["places_left"] == 0 and cafe["registration_open"] is True  # the waiting list


@pytest.mark.parametrize("which", ["draft", "unknown"])
def test_a_draft_or_unknown_event_is_a_json_404(client, programme_world, which):
    slug = programme_world.draft.slug if which == "draft" else "bestaat-niet"
    response = client.get(f"/api/v1/events/{slug}")
    assert response.status_code == 404 and response.is_json
    assert response.json == {"error": "Er is geen openbare activiteit met deze slug.", "code": 404}


def test_a_cancelled_and_a_past_event_can_be_read(client, programme_world):
    assert (
        client.get(f"/api/v1/events/{programme_world.cancelled.slug}").json["status"] == "cancelled"
    )
    assert client.get(f"/api/v1/events/{programme_world.past.slug}").status_code == 200


def test_themes_by_name_with_their_page(client, programme_world):
    response = client.get("/api/v1/themes")
    assert response.status_code == 200
    assert [t["slug"] for t in response.json] == ["armoede-en-bestaanszekerheid", "jeugd-en-gezin"]
    assert response.json[1]["url"] == "http://kennisagenda.test/themas/jeugd-en-gezin"
    assert set(response.json[1]) == {"slug", "name", "description", "url"}
