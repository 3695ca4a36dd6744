"""Refusals are JSON `{"error", "code"}`, in Dutch by default and in English on request (the
site's language switch, or ?lang=en), whatever the client prefers; never a server error."""

from __future__ import annotations

import pytest

BAD_QUERIES = [
    ("page=abc", "De parameter page moet een geheel getal van 1 tot en met 10000 zijn.",
     "The parameter page must be a whole number from 1 to 10000."),
    ("page=0", "De parameter page moet een geheel getal van 1 tot en met 10000 zijn.",
     "The parameter page must be a whole number from 1 to 10000."),
    ("page=%201", "De parameter page moet een geheel getal van 1 tot en met 10000 zijn.",
     "The parameter page must be a whole number from 1 to 10000."),
    ("per_page=100000", "De parameter per_page moet een geheel getal van 1 tot en met 100 zijn.",
     "The parameter per_page must be a whole number from 1 to 100."),
    ("per_page=" + "9" * 5000, "De parameter per_page moet een geheel getal van 1 tot en met 100 zijn.",
     "The parameter per_page must be a whole number from 1 to 100."),
    ("from=2026-13-45", "De parameter from moet een bestaande datum zijn, geschreven als JJJJ-MM-DD.",
     "The parameter from must be an existing date, written as YYYY-MM-DD."),
    ("to=12-03-2030", "De parameter to moet een bestaande datum zijn, geschreven als JJJJ-MM-DD.",
     "The parameter to must be an existing date, written as YYYY-MM-DD."),
    ("kind=lezing", "De parameter kind moet kenniscafe of themadag zijn.",
     "The parameter kind must be kenniscafe or themadag."),
    ("theme=", "De parameter theme moet de slug van een thema zijn.",
     "The parameter theme must be the slug of a theme."),
]  # fmt: skip


@pytest.mark.parametrize(("query", "dutch", "english"), BAD_QUERIES)
def test_a_bad_parameter_is_a_json_400_in_dutch_and_in_english(client, query, dutch, english):
    response = client.get(f"/api/v1/events?{query}", headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json == {"error": dutch, "code": 400}
    assert response.headers["Cache-Control"] == "no-store"
    english_response = client.get(f"/api/v1/events?{query}&lang=en")
    assert english_response.json == {"error": english, "code": 400}


def test_an_unknown_theme_is_a_json_404_that_names_it(client):
    response = client.get("/api/v1/events?theme=bestaat-niet")
    assert response.status_code == 404
    assert response.json == {"error": "Er is geen thema met de slug bestaat-niet.", "code": 404}
    english = client.get("/api/v1/events?theme=bestaat-niet&lang=en")
    assert english.json["error"] == "There is no theme with the slug bestaat-niet."


def test_the_sites_language_switch_applies_to_the_api(client):
    client.post("/taal", data={"taal": "en"})
    response = client.get("/api/v1/events?kind=lezing")
    assert response.json["error"] == "The parameter kind must be kenniscafe or themadag."
    assert client.get("/api/v1/events/bestaat-niet").json["error"] == (
        "There is no public event with this slug."
    )
    # ?lang wins over the switch.
    assert client.get("/api/v1/events?kind=lezing&lang=nl").json["error"].startswith("De parameter")


def test_an_unknown_language_is_refused_in_the_default_one(client):
    response = client.get("/api/v1/themes?lang=fr")
    assert response.status_code == 400
    assert response.json["error"] == "De parameter lang moet nl of en zijn."


def test_unknown_parameters_are_ignored(client):
    assert client.get("/api/v1/events?utm_source=nieuwsbrief&_=123").status_code == 200


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_unknown_paths_and_methods_under_the_api_are_json_too(client, lang):
    response = client.get(f"/api/v1/bestaat-niet?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.is_json
    assert (
        response.json["error"]
        == {
            "nl": "Deze pagina bestaat niet (meer). Misschien is de link oud of onvolledig.",
            "en": "This page does not exist (any more). Perhaps the link is old or incomplete.",
        }[lang]
    )
    posted = client.post(f"/api/v1/events?lang={lang}", data={"x": "y"})
    assert posted.status_code == 405 and posted.is_json
    assert set(posted.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_the_rest_of_the_site_keeps_its_html_errors(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_nul_characters_are_a_json_400(client):
    response = client.get("/api/v1/events?theme=a%00b")
    assert response.status_code == 400
    assert response.json == {"error": "Het verzoek bevat ongeldige tekens.", "code": 400}


def test_an_unexpected_failure_is_a_json_500_without_a_trace(app, client, monkeypatch):
    from app.api import queries

    def broken():
        raise RuntimeError("database weg")

    monkeypatch.setattr(queries, "all_themes", broken)
    response = client.get("/api/v1/themes", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.is_json
    assert "database weg" not in response.get_data(as_text=True)
    assert response.json["error"].startswith("Er ging bij ons iets mis.")
