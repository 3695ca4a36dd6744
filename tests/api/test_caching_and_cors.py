"""Every GET has a strong ETag and answers 304 to If-None-Match; a change to what it shows
changes the ETag. Any website may read the API from a browser (CORS), without cookies."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.programme import services as programme

ORIGIN = "https://www.wijkteam-oost.example"


def paths(world) -> list[str]:
    return ["/api/v1/events", "/api/v1/events?kind=themadag&per_page=1",
            f"/api/v1/events/{world.day.slug}", "/api/v1/themes", "/api/v1/openapi.json",
            "/api/v1/openapi.json?lang=en"]  # fmt: skip


def test_every_get_has_an_etag_and_answers_304_when_unchanged(client, programme_world):
    for path in paths(programme_world):
        response = client.get(path)
        assert response.status_code == 200, path
        etag = response.headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/"), path  # strong
        assert response.headers["Cache-Control"] == "public, max-age=60", path
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", path
        assert again.headers["ETag"] == etag
        assert client.head(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"iets-anders"'}).status_code == 200


def test_a_changed_event_changes_the_etag(client, programme_world):
    path = f"/api/v1/events/{programme_world.cafe.slug}"
    before = client.get(path).headers["ETag"]
    listed_before = client.get("/api/v1/events").headers["ETag"]
    programme.update_event(programme_world.cafe, {"title": "Geldzorgen: wat werkt?"})
    db.session.commit()
    response = client.get(path, headers={"If-None-Match": before})
    assert response.status_code == 200 and response.json["title"] == "Geldzorgen: wat werkt?"
    assert response.headers["ETag"] != before
    assert client.get("/api/v1/events", headers={"If-None-Match": listed_before}).status_code == 200


def test_a_new_registration_changes_the_etag_through_places_left(client, programme_world, register):
    before = client.get("/api/v1/events").headers["ETag"]
    register(programme_world.cafe, "Chris")
    response = client.get("/api/v1/events", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert next(e for e in response.json if e["title"].startswith("Geldzorgen"))["places_left"] == 0


def test_the_language_of_the_document_changes_its_etag(client):
    dutch = client.get("/api/v1/openapi.json")
    english = client.get("/api/v1/openapi.json?lang=en")
    assert dutch.headers["ETag"] != english.headers["ETag"]
    assert english.json["paths"]["/events"]["get"]["summary"] == "Events"


def test_the_documentation_page_is_conditional_but_private(client, monkeypatch):
    """Also a second later, when the CSRF token on the page is signed anew (it failed once in
    CI when two requests fell in two seconds)."""
    from itsdangerous.timed import TimestampSigner

    now = 1_790_000_000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)
    response = client.get("/api/v1/")
    assert (
        response.status_code == 200 and response.headers["Cache-Control"] == "private, max-age=60"
    )
    now += 1
    again = client.get("/api/v1/", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    client.post("/taal", data={"taal": "en", "next": "/api/v1/"})
    other = client.get("/api/v1/", headers={"If-None-Match": response.headers["ETag"]})
    assert other.status_code == 200  # another language: another page


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_cross_origin_request_may_read_the_answer_and_its_headers(
    client, programme_world, method
):
    response = client.open("/api/v1/events?per_page=1", method=method, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {
        h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "link", "x-total-count"} <= exposed
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_errors_are_readable_cross_origin_too(client):
    response = client.get("/api/v1/events?page=abc", headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_allows_reading_methods_only(client):
    response = client.options(
        "/api/v1/events/iets",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "If-None-Match"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    assert "if-none-match" in response.headers["Access-Control-Allow-Headers"].lower()
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_the_rest_of_the_site_sends_no_cors_headers(client, programme_world):
    for path in (
        "/",
        f"/activiteiten/{programme_world.cafe.slug}",
        "/static/kennisagenda-embed.js",
    ):
        response = client.get(path, headers={"Origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in response.headers, path
