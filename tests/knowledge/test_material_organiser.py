"""The organisers' side: an event's own organisers (and admins) manage its materials; any
organiser fills a theme's shelf; nobody else. Editing changes what visitors see at once."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.knowledge.models import Material
from tests.conftest import row_count
from tests.knowledge import material_world
from tests.knowledge.material_world import PDF

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures

ROLES = ["anonymous", "checkin", "other_organiser", "owner", "admin"]
ALLOWED = {"owner": {"owner", "admin"}, "organiser": {"other_organiser", "owner", "admin"}}
# The event's material routes are in the table of every organiser route × role
# (tests/accounts/test_permissions.py); here what that table has no fixture for: a theme's
# shelf item, which any organiser may edit. (method, url, who may, what they get)
ROUTES = [
    ("GET", "/beheer/materialen/{shelf_item}", "organiser", 200),
    ("POST", "/beheer/materialen/{shelf_item}/verwijderen", "organiser", 302),
]


@pytest.fixture
def world(make_user, make_event, make_theme, add_material):
    users = {
        "checkin": make_user("checkin"),
        "other_organiser": make_user("organiser"),
        "owner": make_user("organiser"),
        "admin": make_user("admin"),
    }
    event = make_event(owner=users["owner"])  # not over: publishing is refused (409)
    theme = make_theme()
    ids = {"event": event.id, "theme": theme.slug,
           "material": add_material(event, "Slides").id,
           "shelf_item": add_material(theme, "Tool", url="https://example.org/tool").id}  # fmt: skip
    return users, ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, allowed, expected", ROUTES)
def test_material_routes_by_role(client, auth, world, role, method, url, allowed, expected):
    users, ids = world
    if role != "anonymous":
        auth.login(users[role].email)
    response = client.open(url.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302 and "/beheer/inloggen?next=" in response.location
    elif role in ALLOWED[allowed]:
        assert response.status_code == expected
    else:
        assert response.status_code == 403


def test_the_event_tabs_lead_to_the_materials(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}").get_data(as_text=True)
    assert f'href="/beheer/activiteiten/{event.id}/materialen"' in page
    tab = client.get(f"/beheer/activiteiten/{event.id}/materialen").get_data(as_text=True)
    assert 'aria-current="page">Materialen</a>' in tab


def test_an_organiser_adds_edits_and_removes_a_material(client, auth, past_evening):
    evening = past_evening()
    auth.login(evening.owner.email)
    base = f"/beheer/activiteiten/{evening.event.id}/materialen"
    response = client.post(base, content_type="multipart/form-data", data={
        "kind": "slides", "title": "Slides", "audience": "public", "description": "Van **Sanne**.",
        "file": (io.BytesIO(PDF), "slides.pdf")})  # fmt: skip
    assert response.status_code == 302
    material = db.session.scalar(sa.select(Material))
    assert client.post(f"{base}/publiceren").status_code == 302
    event_page = f"/activiteiten/{evening.event.slug}"
    assert f'href="/materialen/{material.id}"' in client.get(event_page).get_data(as_text=True)

    # Made attendee-only: off the public page at once, and its public address is gone.
    response = client.post(f"/beheer/materialen/{material.id}", data={
        "kind": "handout", "title": "Hand-out", "audience": "attendees", "session_id": "",
        "description": ""})  # fmt: skip
    assert response.status_code == 302 and response.location.endswith(base)
    page = client.get(event_page).get_data(as_text=True)
    assert "Hand-out" in page and f'href="/materialen/{material.id}"' not in page
    assert client.get(f"/materialen/{material.id}").status_code == 404

    assert client.post(f"/beheer/materialen/{material.id}/verwijderen").status_code == 302
    assert row_count(Material) == 0
    page = client.get(event_page).get_data(as_text=True)
    assert "Er zijn (nog) geen materialen van deze activiteit gedeeld." in page


def test_a_material_belongs_to_a_session_of_its_own_event(client, auth, make_user, make_event):
    from app.agenda import services as agenda

    owner = make_user()
    event, other = make_event(owner=owner), make_event(owner=owner)
    mine = agenda.add_session(event, {"kind": "plenary", "title": "Opening",
                                      "starts_at": event.starts_at, "ends_at": event.ends_at})  # fmt: skip
    theirs = agenda.add_session(other, {"kind": "plenary", "title": "Elders",
                                        "starts_at": other.starts_at, "ends_at": other.ends_at})  # fmt: skip
    db.session.commit()
    auth.login(owner.email)
    form = {"kind": "link", "title": "Site", "audience": "public", "url": "https://example.org"}
    url = f"/beheer/activiteiten/{event.id}/materialen"
    assert client.post(url, data={**form, "session_id": str(theirs.id)}).status_code == 400
    assert client.post(url, data={**form, "session_id": "abc"}).status_code == 400
    assert client.post(url, data={**form, "session_id": str(mine.id)}).status_code == 302
    assert db.session.scalar(sa.select(Material.session_id)) == mine.id


def test_any_organiser_puts_a_tool_on_a_themes_shelf(client, auth, make_user, make_theme):
    theme = make_theme()
    organiser = make_user("organiser")
    auth.login(organiser.email)
    # A theme's shelf is public, whatever audience is posted.
    response = client.post(f"/beheer/themas/{theme.slug}/materialen", data={
        "kind": "practice", "title": "Gesprekskaarten", "url": "https://example.org/kaarten",
        "audience": "attendees"})  # fmt: skip
    assert response.status_code == 302
    material = db.session.scalar(sa.select(Material))
    assert (material.theme_id, material.audience, material.is_published) == (
        theme.id, "public", True)  # fmt: skip
    assert "Gesprekskaarten" in client.get(f"/themas/{theme.slug}").get_data(as_text=True)


def test_a_cancelled_event_takes_no_materials(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner, status="cancelled")
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/materialen")
    assert page.status_code == 200 and "Materiaal toevoegen</h2>" not in page.get_data(as_text=True)
    response = client.post(f"/beheer/activiteiten/{event.id}/materialen", data={
        "kind": "link", "title": "Site", "audience": "public", "url": "https://example.org"})  # fmt: skip
    assert response.status_code == 409
    assert row_count(Material) == 0
