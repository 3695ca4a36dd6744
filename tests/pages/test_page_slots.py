"""The event page's places in slots of their own (app/activity/places.py): after any change of
the places, in any state of the event and its workshops, the page from the cache with its
places filled in is what a fresh render shows. Some of these came from a review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.agenda import choices
from app.agenda import services as agenda
from app.extensions import db
from app.programme import services as programme
from app.registration.by_hand import add_by_hand
from app.registration.services import RegistrationDetails
from app.timezones import utcnow
from tests.pages.test_page_cache import assert_current, cached


@pytest.mark.parametrize("event_capacity", [100, None])
def test_every_kind_of_workshop_is_filled_in_as_a_render_shows_it(app, client, themadag, register,
                                                                   event_capacity):  # fmt: skip
    """A full one, one without room or capacity, a cancelled one, a title with markup; an
    event with and without a maximum."""
    event, sessions, _owner = themadag(capacity_wonen=1, status="draft")
    hour = event.starts_at + timedelta(hours=1)
    agenda.add_session(event, {"kind": "workshop", "title": "Vrij <b>&\"'", "starts_at": hour,
                               "ends_at": hour + timedelta(hours=1)})  # fmt: skip
    gone = agenda.add_session(event, {"kind": "workshop", "title": "Weg", "capacity": 3,
                                      "starts_at": hour, "ends_at": hour + timedelta(hours=1)})  # fmt: skip
    programme.publish_event(event)
    db.session.commit()
    agenda.cancel_session(gone, tell=False)
    if event_capacity is None:
        programme.update_event(event, {"capacity": None}, seen_version=event.version)
    db.session.commit()
    url = f"/activiteiten/{event.slug}"
    assert "Vrij &lt;b&gt;" in cached(client, url)
    choices.choose_workshops(register(event, "Anna"), [sessions["wonen"].id])
    db.session.commit()
    assert client.get(url).headers["X-Page-Slots"] == "filled"
    body = assert_current(app, client, url)
    assert "(vol – u komt op de wachtlijst)" in body and "Vrij &lt;b&gt;" in body


def test_places_shown_while_registering_is_closed_are_filled_in_too(app, client, make_event,
                                                                     make_user):  # fmt: skip
    """The form closed, an organiser adds someone by hand (taking the event's lock first)."""
    event = make_event(capacity=40)
    programme.update_event(event, {"registration_closes_at": utcnow() - timedelta(minutes=1)},
                           seen_version=event.version)  # fmt: skip
    db.session.commit()
    url = f"/activiteiten/{event.slug}"
    cached(client, url)
    add_by_hand(event.id, RegistrationDetails(name="Cor", email="cor@example.org"), [],
                by=make_user(), tell=False)  # fmt: skip
    db.session.commit()
    assert_current(app, client, url)


def test_an_addition_by_hand_shows_on_the_next_request(app, client, make_event, make_user):
    event = make_event(capacity=40)
    url = f"/activiteiten/{event.slug}"
    assert "Nog 40 plaatsen vrij" in cached(client, url)
    add_by_hand(event.id, RegistrationDetails(name="Cor", email="cor@example.org"), [],
                by=make_user(), tell=False)  # fmt: skip
    db.session.commit()
    assert client.get(url).headers["X-Page-Slots"] == "filled"
    assert "Nog 39 plaatsen vrij" in assert_current(app, client, url)


def test_a_workshop_choice_alone_moves_the_etag(client, themadag, register):
    event, sessions, _owner = themadag()
    anna = register(event, "Anna")
    url = f"/activiteiten/{event.slug}"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    choices.choose_workshops(anna, [sessions["wonen"].id])
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_the_programme_follows_a_cancellation(app, client, make_event, register):
    from app.registration import services as registration

    event = make_event(capacity=40)
    anna = register(event, "Anna")
    assert "Nog 39 plaatsen vrij" in cached(client, "/")
    registration.cancel(anna.id, by="participant")
    db.session.commit()
    assert "Nog 40 plaatsen vrij" in assert_current(app, client, "/")


def test_a_registration_between_the_stamp_and_the_filling_in_shows_then_and_after(
    app, client, make_event, register, monkeypatch
):
    """The places are read after their stamp, so they are never older than it says: a
    registration that comes in between shows at once, and the next request (whose stamp is
    newer than the one they were kept under) fills them in again."""
    from app.activity import places
    from app.programme import views

    event = make_event(capacity=40)
    url = f"/activiteiten/{event.slug}"
    cached(client, url)
    register(event, "Anna")
    real = places.places_fragments

    def with_one_more(slug):
        register(event, "Bert")  # committed after the stamp was read
        return real(slug)

    monkeypatch.setattr(views, "places_fragments", with_one_more)
    assert "Nog 38 plaatsen vrij" in client.get(url).get_data(as_text=True)
    monkeypatch.setattr(views, "places_fragments", real)
    again = client.get(url)
    assert again.headers["X-Page-Slots"] == "filled"
    assert "Nog 38 plaatsen vrij" in assert_current(app, client, url)


def test_every_state_of_a_programme_card_is_filled_in_as_a_render_shows_it(
    app, client, make_event, register
):
    """The programme's cards keep the page: a registration fills in their places lines again
    (open, almost full, full, no maximum, not yet open, closed, cancelled), on a filtered
    listing, a second page and in English too; the archive's cards show no places, so its page
    does not follow registrations at all."""
    now = utcnow()
    app.config["PROGRAMME_PAGE_SIZE"] = 4
    open_one = make_event(capacity=40)
    almost = make_event(capacity=7, kind="themadag")
    for name in ("Anna", "Bert"):
        register(almost, name)
    make_event(capacity=None)
    make_event(registration_opens_at=now + timedelta(days=2))
    make_event(registration_closes_at=now - timedelta(hours=1))
    make_event(status="cancelled", capacity=30)
    make_event(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3, hours=-2))
    urls = ("/", "/?soort=themadag", "/?pagina=2")
    before = {url: cached(client, url) for url in (*urls, "/archief")}
    assert "Bijna vol: nog 5 plaatsen vrij" in before["/?soort=themadag"]
    assert "Aanmelden gesloten" in before["/?pagina=2"]
    register(open_one, "Cor")
    register(almost, "Dirk")
    for url in urls:
        response = client.get(url)
        assert (response.headers["X-Page-Cache"], response.headers["X-Page-Slots"]) == (
            "hit", "filled")  # fmt: skip
        assert_current(app, client, url)
    archive = client.get("/archief")
    assert archive.headers["X-Page-Cache"] == "hit" and "X-Page-Slots" not in archive.headers
    assert_current(app, client, "/archief")
    body = client.get("/").get_data(as_text=True)
    assert "Nog 39 plaatsen vrij" in body and "Bijna vol: nog 4 plaatsen vrij" in body
    for name in ("Eva", "Fien", "Gijs", "Hans"):
        register(almost, name)
    assert "Vol — wachtlijst" in assert_current(app, client, "/")
    client.post("/taal", data={"taal": "en", "next": "/"})
    cached(client, "/")
    register(open_one, "Eef")
    assert client.get("/").headers["X-Page-Slots"] == "filled"
    assert "38 places left" in assert_current(app, client, "/")


def test_the_programme_after_a_registration_is_its_stamp_and_two_queries(client, make_event,
                                                                         register):  # fmt: skip
    from tests.agenda.test_query_counts import counting_queries

    events = [make_event(capacity=40) for _ in range(5)]
    cached(client, "/")
    register(events[2], "Anna")
    with counting_queries() as statements:
        response = client.get("/")
    assert (response.headers["X-Page-Cache"], response.headers["X-Page-Slots"]) == (
        "hit", "filled")  # fmt: skip
    assert len(statements) == 3, statements  # the stamp, the events, their counts
    assert "Nog 39 plaatsen vrij" in response.get_data(as_text=True)
