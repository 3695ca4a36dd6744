"""Every kind of feed, read back by two parsers that are not `icalendar` (vobject and
Mozilla's ical.js) and checked against the rules every feed keeps."""

import re
import time
from datetime import timedelta

import pytest

from app.agenda import choices, releases, working
from app.extensions import db
from app.programme import services as programme
from tests.calendar.conftest import entries, utc
from tests.conftest import NEXT_YEAR, local
from tests.icalcheck import assert_wire_format, icaljs, props, unfold, vobject_events

HOST = "kennisagenda.test"
UID = re.compile(rf"^(event|session)-\d+@{re.escape(HOST)}$")


@pytest.fixture
def season(make_event, make_theme, themadag, register):
    """A winter kenniscafé and a summer themadag (with an agenda) in one theme, and a person
    with a place at both and a workshop; someone else registered too."""
    theme = make_theme("Jeugd")
    winter = make_event(title="Kenniscafé in januari", starts_at=local(NEXT_YEAR, 1, 14, 19, 30),
                        themes=[theme], summary="Over wijkteams; met ‘aanhalingstekens’ en é")  # fmt: skip
    summer, sessions, _owner = themadag(starts_at=local(NEXT_YEAR, 6, 10, 9, 30))
    summer.themes = [theme]
    db.session.commit()
    anna = register(summer, "Anna")
    register(winter, "Anna", email="anna@example.org")
    choices.choose_workshops(anna, [sessions["wonen"].id])
    register(summer, "Bram")
    db.session.commit()
    return theme, winter, summer, sessions, anna


def _fetch(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Encoding" not in response.headers
    return response.data


def all_feeds(client, season, feed_token) -> dict[str, bytes]:
    theme, winter, summer, _sessions, anna = season
    return {
        "programme": _fetch(client, "/kalender/programma.ics"),
        "theme": _fetch(client, f"/kalender/thema/{theme.slug}.ics"),
        "event": _fetch(client, f"/kalender/activiteit/{summer.slug}.ics"),
        "personal": _fetch(client, f"/kalender/mijn/{feed_token(anna)}.ics"),
    }


def test_every_feed_reads_right_in_vobject_and_icaljs(client, season, feed_token):
    _theme, winter, summer, sessions, _anna = season
    expected = {  # winter: UTC+1, summer: UTC+2
        f"event-{winter.id}@{HOST}": utc(NEXT_YEAR, 1, 14, 18, 30),
        f"event-{summer.id}@{HOST}": utc(NEXT_YEAR, 6, 10, 7, 30),
        f"session-{sessions['wonen'].id}@{HOST}": utc(NEXT_YEAR, 6, 10, 8, 30),
    }
    for kind, body in all_feeds(client, season, feed_token).items():
        assert_wire_format(body)
        by_vobject = {e["uid"]: e for e in vobject_events(body)}
        by_icaljs = {e["uid"]: e for e in icaljs(body)["events"]}
        assert by_vobject.keys() == by_icaljs.keys() and by_vobject, kind
        for uid, start in expected.items():
            if uid in by_vobject:
                assert by_vobject[uid]["start_utc"] == start, (kind, uid)
                assert by_icaljs[uid]["start_utc"] == start.strftime("%Y-%m-%dT%H:%M:%SZ"), (
                    kind,
                    uid,
                )
                assert by_icaljs[uid]["dtstart_tzid"] == "Europe/Amsterdam"
        assert icaljs(body)["timezones"] == ["Europe/Amsterdam"]
    feeds = all_feeds(client, season, feed_token)
    assert f"event-{winter.id}@{HOST}" in entries(feeds["programme"])
    assert f"session-{sessions['wonen'].id}@{HOST}" in entries(feeds["event"])
    assert f"session-{sessions['wonen'].id}@{HOST}" in entries(feeds["personal"])
    assert f"session-{sessions['geld'].id}@{HOST}" not in entries(feeds["personal"])


def test_every_feed_keeps_the_rules(client, season, feed_token):
    for kind, body in all_feeds(client, season, feed_token).items():
        lines = unfold(body)
        assert lines[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kennisagenda//Kennisagenda//NL",
                             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"], kind  # fmt: skip
        assert props(body, "NAME") and props(body, "X-WR-CALNAME"), kind
        assert props(body, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
        assert props(body, "X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:PT1H"]
        # The one VTIMEZONE, with yearly rules valid for every year.
        assert props(body, "RRULE") == ["RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                                        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]  # fmt: skip
        assert not props(body, "RDATE")
        # Nobody's personal data: no organiser, no attendee, no e-mail address at all.
        assert not props(body, "ORGANIZER") and not props(body, "ATTENDEE")
        assert "@example.org" not in body.decode() and "Bram" not in body.decode()
        for uid, entry in entries(body).items():
            assert UID.match(uid), uid
            for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION",
                         "LOCATION", "URL", "STATUS", "DTSTART", "DTEND"):  # fmt: skip
                assert name in entry, (kind, uid, name)
            assert entry["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        for line in props(body, "DTSTART") + props(body, "DTEND"):
            if "TZID" not in line:  # the VTIMEZONE's own observances are local by definition
                assert re.fullmatch(r"DTSTART:19\d{6}T0[23]0000", line), line


def test_a_feed_is_the_same_bytes_until_something_changes(client, season):
    first = _fetch(client, "/kalender/programma.ics")
    assert _fetch(client, "/kalender/programma.ics") == first  # a strong ETag may hold


def _sequence(body: bytes, uid: str) -> tuple[int, object]:
    entry = entries(body)[uid]
    return int(entry["SEQUENCE"]), entry["LAST-MODIFIED"].dt


def test_moving_a_session_raises_sequence_and_last_modified_in_every_feed(
    client, season, feed_token
):
    _theme, _winter, summer, sessions, anna = season
    wonen = sessions["wonen"]
    token = feed_token(anna)
    watched = {  # feed → the entry that shows the session
        f"/kalender/activiteit/{summer.slug}.ics": f"session-{wonen.id}@{HOST}",
        f"/kalender/mijn/{token}.ics": f"session-{wonen.id}@{HOST}",
        # The programme shows the event, with its agenda in the description.
        "/kalender/programma.ics": f"event-{summer.id}@{HOST}",
    }
    before = {path: _sequence(_fetch(client, path), uid) for path, uid in watched.items()}
    time.sleep(1)  # LAST-MODIFIED counts whole seconds
    working.move(summer, str(wonen.id), wonen.starts_at + timedelta(minutes=30),
                 wonen.ends_at + timedelta(minutes=30), wonen.room_id)  # fmt: skip
    db.session.commit()
    assert {path: _sequence(_fetch(client, path), uid) for path, uid in watched.items()} == before
    releases.publish(summer)  # only a release reaches the feeds
    db.session.commit()
    for path, uid in watched.items():
        body = _fetch(client, path)
        sequence, modified = _sequence(body, uid)
        assert sequence == before[path][0] + 1, path
        assert modified > before[path][1], path
        assert uid in entries(body)  # the same UID
    event_body = _fetch(client, f"/kalender/activiteit/{summer.slug}.ics")
    moved = {e["uid"]: e for e in vobject_events(event_body)}[f"session-{wonen.id}@{HOST}"]
    assert moved["start_utc"] == utc(NEXT_YEAR, 6, 10, 9, 0)
    assert "11.00–12.00 Wonen" in str(
        entries(_fetch(client, "/kalender/programma.ics"))[f"event-{summer.id}@{HOST}"][
            "DESCRIPTION"
        ]
    )


def test_a_cancelled_event_stays_30_days_as_cancelled_then_leaves(
    client, season, feed_token, monkeypatch
):
    theme, winter, _summer, _sessions, anna = season
    token = feed_token(anna)
    programme.cancel_event(winter)
    db.session.commit()
    paths = ["/kalender/programma.ics", f"/kalender/thema/{theme.slug}.ics",
             f"/kalender/activiteit/{winter.slug}.ics", f"/kalender/mijn/{token}.ics"]  # fmt: skip
    uid = f"event-{winter.id}@{HOST}"
    for path in paths:
        entry = entries(_fetch(client, path))[uid]
        assert entry["STATUS"] == "CANCELLED" and str(entry["SUMMARY"]).startswith("GEANNULEERD: ")
    english = entries(_fetch(client, "/kalender/programma.ics?lang=en"))[uid]
    assert str(english["SUMMARY"]).startswith("CANCELLED: ")
    etags = {path: client.get(path).headers["ETag"] for path in paths}

    later = winter.cancelled_at + timedelta(days=31)
    monkeypatch.setattr("app.calendar.feeds.utcnow", lambda: later)
    for path in paths:
        response = client.get(path, headers={"If-None-Match": etags[path]})
        assert response.status_code == 200, path  # time passing changed the feed
        assert uid not in entries(response.data), path


def test_a_cancelled_session_stays_in_the_event_feed_30_days(client, season, monkeypatch):
    _theme, _winter, summer, sessions, _anna = season
    working.cancel(summer, str(sessions["geld"].id))
    releases.publish(summer)
    db.session.commit()
    path, uid = f"/kalender/activiteit/{summer.slug}.ics", f"session-{sessions['geld'].id}@{HOST}"
    entry = entries(_fetch(client, path))[uid]
    assert entry["STATUS"] == "CANCELLED" and str(entry["SUMMARY"]) == "GEANNULEERD: Geld"
    assert int(entry["SEQUENCE"]) == 1
    later = sessions["geld"].cancelled_at + timedelta(days=30, minutes=1)
    monkeypatch.setattr("app.calendar.feeds.utcnow", lambda: later)
    assert uid not in entries(_fetch(client, path))


def test_the_personal_feed_marks_a_waiting_list_place_tentative(
    client, make_event, register, feed_token
):
    full = make_event(capacity=1, title="Vol kenniscafé")
    register(full, "Eerste")
    waiting = register(full, "Anna")
    assert waiting.is_waitlisted
    entry = entries(_fetch(client, f"/kalender/mijn/{feed_token(waiting)}.ics"))[
        f"event-{full.id}@{HOST}"
    ]
    assert entry["STATUS"] == "TENTATIVE"
    assert "wachtlijst" in str(entry["SUMMARY"]).lower()


def test_a_draft_is_in_no_feed(client, make_event, register, feed_token):
    draft = make_event(status="draft", title="Geheim concept")
    assert client.get(f"/kalender/activiteit/{draft.slug}.ics").status_code == 404
    assert b"Geheim concept" not in _fetch(client, "/kalender/programma.ics")
