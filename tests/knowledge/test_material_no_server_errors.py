"""Nonsense at every materials route, as a visitor and as an admin: junk in the path, the
query string and the form — never a server error, always a 4xx or the page."""

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.registration.tokens import issue_manage_token
from tests.knowledge import material_world
from tests.knowledge.material_world import EXE, PDF

pytestmark = pytest.mark.sweep  # long: run first (tests/conftest.py)

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures

JUNK = ["0", "999999", "99999999999999999999", "-1", "abc", "%00", "%ff", "a" * 300,
        "'; drop table materials;--", "..%2F..%2Fetc%2Fpasswd"]  # fmt: skip
QUERIES = ["", "?q=", "?q=%25%25", "?q=" + "x" * 500, "?q=%00", "?pagina=abc", "?pagina=-5",
           "?pagina=99999999999", "?q=a&q=b", "?q=%ff%fe"]  # fmt: skip
FIELDS = ["kind", "title", "description", "url", "session_id", "audience"]
NONSENSE = ["", " ", "x" * 6000, "\x01\x02", "<script>", "None", "-1", "99999999999999999999",
            "javascript:alert(1)", "ünïcødé ✓"]  # fmt: skip


@pytest.fixture
def world(past_evening, add_material, make_theme, make_user, auth):
    theme = make_theme()
    evening = past_evening(themes=[theme])
    material = add_material(evening.event, "Slides", publish=True)
    secret = add_material(evening.event, "Geheim", audience="attendees", publish=True)
    add_material(theme, "Tool", url="https://example.org")
    admin = make_user("admin")
    token = issue_manage_token(evening.attendee)
    db.session.commit()
    auth.login(admin.email)
    values = {"material_id": material.id, "token": token, "slug": theme.slug,
              "event_id": evening.event.id}  # fmt: skip
    return values, secret


def knowledge_rules(app, method: str):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.startswith("knowledge.") and method in r.methods]  # fmt: skip


def paths(rule, values):
    arguments = re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule.rule)
    real = {name: values[name] for name in arguments}
    for candidate in [real] + [{**real, name: junk} for name in arguments for junk in JUNK]:
        path = rule.rule
        for name, value in candidate.items():
            path = re.sub(r"<(?:[^:>]+:)?" + name + ">", str(value), path)
        yield path


def test_no_get_route_answers_with_a_server_error(app, client, world):
    values, _secret = world
    checked = 0
    for rule in knowledge_rules(app, "GET"):
        for path in paths(rule, values):
            for query in QUERIES:
                response = client.get(path + query)
                assert response.status_code < 500, (path + query, response.status_code)
                checked += 1
    assert checked > 300


def test_no_post_answers_with_a_server_error(app, client, world):
    values, _secret = world
    for rule in knowledge_rules(app, "POST"):
        if "verwijderen" in rule.rule:
            continue  # posted below, last: it removes the material the others use
        for path in paths(rule, values):
            assert client.post(path, data={}).status_code < 500, path
            assert client.post(path, json={"title": ["x"]}).status_code < 500, path
            assert client.post(path, data=b"\xff\xfe", content_type="text/plain").status_code < 500
            for field in FIELDS:
                for value in NONSENSE:
                    form = {"kind": "slides", "title": "T", "audience": "public",
                            "url": "https://example.org", field: value}  # fmt: skip
                    response = client.post(path, data=form)
                    assert response.status_code < 500, (path, field, value[:20])
    delete = f"/beheer/materialen/{values['material_id']}/verwijderen"
    assert client.post(delete, data={"csrf_token": "x" * 5000}).status_code < 500


@pytest.mark.parametrize(
    "data, name",
    [
        (EXE, "a" * 1000 + ".pdf"),
        (PDF, "\x00.pdf"),
        (PDF, ""),
        (PDF, "../../../../x.pdf"),
        (b"PK\x03\x04" + b"\x00" * 100, "kapot.docx"),  # a broken zip
        (b"PK\x05\x06" + b"\x00" * 18, "leeg.xlsx"),  # an empty zip
    ],
)
def test_strange_files_get_an_answer_not_a_server_error(client, world, data, name):
    values, _secret = world
    for path in (f"/beheer/activiteiten/{values['event_id']}/materialen",
                 f"/beheer/themas/{values['slug']}/materialen"):  # fmt: skip
        response = client.post(path, content_type="multipart/form-data", data={
            "kind": "slides", "title": "T", "audience": "public",
            "file": (io.BytesIO(data), name)})  # fmt: skip
        assert 400 <= response.status_code < 500 or response.status_code == 302, (
            response.status_code
        )


def test_a_file_field_sent_as_text_is_no_file(client, world):
    values, _secret = world
    response = client.post(f"/beheer/activiteiten/{values['event_id']}/materialen", data={
        "kind": "slides", "title": "T", "audience": "public", "file": "slides.pdf"})  # fmt: skip
    assert response.status_code == 400
    assert "Kies een bestand óf vul een link in" in response.get_data(as_text=True)
