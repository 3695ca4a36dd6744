"""Every GET route, with real ids and with nonsense in the path and the query string, answers
without a server error: bad input gets a 4xx, never a 500."""

import re

import pytest

from app.agenda import services as agenda
from app.agenda import speakers
from app.extensions import db
from app.registration.tokens import issue_manage_token

pytestmark = pytest.mark.sweep  # long: run first (tests/conftest.py)

JUNK = ["0", "999999", "-1", "abc", "%00", "a" * 300, "'; drop table events;--"]
QUERIES = ["", "?pagina=abc", "?pagina=-5", "?thema=%ff", "?soort=x&status=zzz&zoek=" + "x" * 500]


@pytest.fixture
def world(make_user, make_event, make_theme, register):
    admin = make_user("admin")
    theme = make_theme()
    event = make_event(owner=admin, themes=[theme], kind="themadag", hours=6)
    room = agenda.add_room(event, {"name": "Aula", "capacity": 10})
    session = agenda.add_session(event, {"kind": "workshop", "title": "W", "starts_at": event.starts_at,
                                         "ends_at": event.ends_at, "room_id": room.id})  # fmt: skip
    speaker = speakers.save_speaker({"name": "S"})
    registration = register(event, "Anna")
    token = issue_manage_token(registration)
    db.session.commit()
    values = {"slug": event.slug, "event_id": event.id, "session_id": session.id, "room_id": room.id,
              "speaker_id": speaker.id, "user_id": admin.id, "registration_id": registration.id,
              "token": token, "kind": "xlsx", "filename": "css/app.css"}  # fmt: skip
    return admin, values, theme


def test_no_get_route_answers_with_a_server_error(app, client, auth, world):
    admin, values, theme = world
    auth.login(admin.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        arguments = re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule.rule)
        real = {name: values.get(name, theme.slug) for name in arguments}
        candidates = [real] + [{**real, name: junk} for name in arguments for junk in JUNK]
        for arguments_now in candidates:
            path = rule.rule
            for name, value in arguments_now.items():
                path = re.sub(r"<(?:[^:>]+:)?" + name + ">", str(value), path)
            for query in QUERIES:
                response = client.get(path + query)
                assert response.status_code < 500, (path + query, response.status_code)
                checked += 1
    assert checked > 500


def test_nul_characters_are_refused_with_a_message(client, make_event):
    event = make_event()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={"name": "An\x00na", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 400
    assert "ongeldige tekens" in response.get_data(as_text=True)
    assert client.get("/activiteiten/%00").status_code == 400
