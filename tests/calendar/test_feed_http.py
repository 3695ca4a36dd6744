"""Feeds over HTTP: validators, 304s, HEAD, caching, and the personal feed's secret."""

import time
from datetime import timedelta

import pytest

from app.agenda import services as agenda
from app.calendar.models import FeedToken
from app.extensions import db
from tests.conftest import row_count


@pytest.fixture
def event_with_agenda(themadag, register):
    event, sessions, _owner = themadag()
    anna = register(event, "Anna")
    return event, sessions, anna


def _paths(event, token=None):
    paths = ["/kalender/programma.ics", f"/kalender/activiteit/{event.slug}.ics"]
    return paths + ([f"/kalender/mijn/{token}.ics"] if token else [])


def test_conditional_get_with_etag_and_with_date_is_a_304_without_body(
    client, event_with_agenda, feed_token
):
    event, _sessions, anna = event_with_agenda
    for path in _paths(event, feed_token(anna)):
        first = client.get(path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert etag.startswith('"') and not etag.startswith("W/"), "a strong ETag"
        by_tag = client.get(path, headers={"If-None-Match": etag})
        by_date = client.get(
            path, headers={"If-Modified-Since": modified}
        )  # Apple revalidates by date
        for response in (by_tag, by_date):
            assert response.status_code == 304, path
            assert response.data == b""
            assert response.headers["ETag"] == etag
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_any_change_to_a_session_room_or_registration_changes_the_etag(
    client, event_with_agenda, register
):
    event, sessions, _anna = event_with_agenda
    path = f"/kalender/activiteit/{event.slug}.ics"

    def etag_after(change) -> str:
        before = client.get(path).headers["ETag"]
        time.sleep(0.01)
        change()
        db.session.commit()
        after = client.get(path)
        assert after.headers["ETag"] != before
        assert client.get(path, headers={"If-None-Match": before}).status_code == 200
        return after.headers["ETag"]

    etag_after(lambda: agenda.update_session(sessions["geld"], {"title": "Geld en schulden"}))
    etag_after(
        lambda: agenda.update_room(sessions["geld"].room, {"name": "Zaal 1.15", "capacity": 12})
    )
    etag_after(lambda: register(event, "Bram"))
    etag_after(lambda: agenda.cancel_session(sessions["slot"]))


def test_head_answers_like_get_without_a_body(client, event_with_agenda):
    event, _sessions, _anna = event_with_agenda
    path = f"/kalender/activiteit/{event.slug}.ics"
    get, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.data == b""
    for header in ("ETag", "Last-Modified", "Content-Type", "Cache-Control"):
        assert head.headers[header] == get.headers[header]


def test_public_feeds_are_publicly_cacheable_a_personal_one_only_privately(
    client, event_with_agenda, feed_token
):
    event, _sessions, anna = event_with_agenda
    public = client.get(f"/kalender/activiteit/{event.slug}.ics")
    personal = client.get(f"/kalender/mijn/{feed_token(anna)}.ics")
    assert public.headers["Cache-Control"] == "public, max-age=300"
    assert personal.headers["Cache-Control"] == "private, max-age=300"
    assert personal.headers["X-Robots-Tag"] == "noindex"
    download = client.get(f"/kalender/activiteit/{event.slug}.ics?download=1")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'


def test_a_renewed_personal_link_makes_the_old_url_a_404(client, event_with_agenda, feed_token):
    _event, _sessions, anna = event_with_agenda
    old = feed_token(anna)
    also_old = feed_token(anna)
    assert client.get(f"/kalender/mijn/{old}.ics").status_code == 200
    response = client.post(f"/kalender/mijn/{old}/vernieuwen")
    assert response.status_code == 302
    new = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/kalender/mijn/{old}.ics").status_code == 404
    assert client.get(f"/kalender/mijn/{also_old}.ics").status_code == 404
    assert client.get(f"/kalender/mijn/{old}").status_code == 404
    assert client.get(f"/kalender/mijn/{new}.ics").status_code == 200
    # Only hashes are stored.
    assert all(
        old not in t.token_hash and len(t.token_hash) == 64
        for t in db.session.scalars(db.select(FeedToken))
    )


def test_the_manage_page_hands_out_a_personal_link(client, event_with_agenda):
    from app.registration.tokens import issue_manage_token

    _event, _sessions, anna = event_with_agenda
    token = issue_manage_token(anna)
    db.session.commit()
    before = row_count(FeedToken)
    page = client.get(f"/aanmelding/{token}")
    assert "Mijn persoonlijke agenda-link" in page.get_data(as_text=True)
    assert row_count(FeedToken) == before  # showing the page hands out nothing
    response = client.post(f"/aanmelding/{token}/agenda")
    assert response.status_code == 302 and "/kalender/mijn/" in response.headers["Location"]
    personal = client.get(response.headers["Location"])
    html = personal.get_data(as_text=True)
    assert personal.status_code == 200 and personal.headers["Cache-Control"] == "no-store"
    assert "webcal://kennisagenda.test/kalender/mijn/" in html
    assert "calendar.google.com/calendar/r?cid=webcal" in html
    assert "outlook.live.com/calendar/0/addfromweb?url=http" in html
    assert "outlook.office.com/calendar/0/addfromweb?url=http" in html


def test_public_pages_offer_their_feed_and_link_it_for_discovery(client, make_event, make_theme):
    theme = make_theme("Armoede")
    event = make_event(themes=[theme])
    for page, feed in [("/", "/kalender/programma.ics"),
                       (f"/themas/{theme.slug}", f"/kalender/thema/{theme.slug}.ics"),
                       (f"/activiteiten/{event.slug}", f"/kalender/activiteit/{event.slug}.ics")]:  # fmt: skip
        html = client.get(page).get_data(as_text=True)
        url = f"http://kennisagenda.test{feed}"
        assert (
            '<link rel="alternate" type="text/calendar" title="' in html
            and f'href="{url}">' in html
        ), page
        assert "Zet in uw agenda" in html and f"webcal://kennisagenda.test{feed}" in html, page


def test_nonsense_in_feed_urls_is_a_404_never_a_500(client, make_event):
    make_event()
    for path in ["/kalender/mijn/x.ics", "/kalender/mijn/" + "a" * 300 + ".ics", "/kalender/thema/nope.ics",
                 "/kalender/activiteit/nope.ics", "/kalender/mijn/%00.ics", "/kalender/mijn/x"]:  # fmt: skip
        assert client.get(path).status_code in (400, 404), path
    assert client.get("/kalender/programma.ics?lang=xx&download=%ff").status_code == 200
    assert client.post("/kalender/mijn/nope/vernieuwen").status_code == 404


def test_an_old_cancellation_changes_last_modified_when_it_leaves(client, make_event, monkeypatch):
    event = make_event(status="cancelled")
    path = "/kalender/programma.ics"
    modified = client.get(path).headers["Last-Modified"]
    monkeypatch.setattr(
        "app.calendar.feeds.utcnow", lambda: event.cancelled_at + timedelta(days=31)
    )
    response = client.get(path, headers={"If-Modified-Since": modified})
    assert response.status_code == 200
