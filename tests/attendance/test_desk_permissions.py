"""Every desk route × every role: anonymous visitors are sent to the login; the event's desk
account (while the desk is open), its organisers and admins get the page; any other account
gets the same 404 as an event that does not exist."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from app.attendance import codes, services
from app.extensions import db

# (method, url, what the allowed roles get for a GET or an empty POST)
DESK_ROUTES = [
    ("GET", "/balie/{event}", 200),
    ("GET", "/balie/{event}/lijst", 200),
    ("GET", "/balie/{event}/stand.json", 200),
    ("POST", "/balie/{event}/acties", 400),
    ("POST", "/balie/{event}/scan", 404),
    ("GET", "/balie/{event}/binnenloper", 200),
    ("POST", "/balie/{event}/binnenloper", 400),
    ("POST", "/balie/{event}/plaats/{registration}", 302),
    ("GET", "/balie/c/{code}", 200),
    ("POST", "/balie/c/{code}", 200),
]
ROLES = ["anonymous", "desk", "other_desk", "other_organiser", "owner", "admin"]
ALLOWED = {"desk", "owner", "admin"}


@pytest.fixture
def world(make_user, make_event, register):
    users = {
        "desk": make_user("checkin"), "other_desk": make_user("checkin"),
        "other_organiser": make_user("organiser"), "owner": make_user("organiser"),
        "admin": make_user("admin"),
    }  # fmt: skip
    event = make_event(owner=users["owner"], starts_in=timedelta(hours=2))
    services.set_desk_staff(event, {users["desk"].id})
    other = make_event(owner=users["other_organiser"], starts_in=timedelta(hours=2))
    services.set_desk_staff(other, {users["other_desk"].id})
    anna = register(event, "Anna")
    code = codes.issue_code(anna)
    db.session.commit()
    return users, {"event": event.id, "registration": anna.id, "code": code}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, expected", DESK_ROUTES)
def test_desk_routes_by_role(client, auth, world, role, method, url, expected):
    users, ids = world
    if role != "anonymous":
        auth.login(users[role].email)
    response = client.open(url.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302 and "/beheer/inloggen?next=" in response.location
    elif role in ALLOWED:
        assert response.status_code == expected, response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 404


def test_every_desk_route_is_in_the_table(app):
    def shape(rule: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", rule)

    covered = {(method, shape(url)) for method, url, _expected in DESK_ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/balie") and rule.endpoint not in (
            "attendance.index",
            "attendance.service_worker",
        ):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, shape(rule.rule)) in covered, (method, rule.rule)


def test_a_desk_account_sees_only_its_own_events_and_no_organiser_area(client, auth, world):
    users, ids = world
    auth.login(users["desk"].email)
    index = client.get("/balie/").get_data(as_text=True)
    assert f"/balie/{ids['event']}" in index
    assert client.get(f"/beheer/activiteiten/{ids['event']}/aanwezigheid").status_code == 403
    assert client.get(f"/beheer/activiteiten/{ids['event']}/aanwezigheid.xlsx").status_code == 403
    assert client.get(f"/beheer/activiteiten/{ids['event']}/badges.pdf").status_code == 403
    assert "@" not in client.get(f"/balie/{ids['event']}/stand.json").get_data(as_text=True)


def test_a_made_up_event_and_code_look_like_anothers(client, auth, world):
    users, ids = world
    auth.login(users["other_organiser"].email)
    assert client.get("/balie/999999/lijst").status_code == 404
    assert client.get(f"/balie/c/{uuid.uuid4().hex}").status_code == 404


def test_the_demo_desk_account_finds_tonights_kenniscafe_with_people(runner, client, auth):
    runner.invoke(args=["demo-data"])
    auth.login("balie@kennisagenda.example", "demo-wachtwoord")
    index = client.get("/balie/").get_data(as_text=True)
    event_id = re.search(r"/balie/(\d+)/lijst", index).group(1)
    people = client.get(f"/balie/{event_id}/stand.json").get_json()["people"]
    assert len(people) == 8 and "Şükrü Çelik" in {p["name"] for p in people}
