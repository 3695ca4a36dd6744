"""GET /api/v1/: the endpoints as the OpenAPI document lists them, and the embed snippet, in
Dutch by default and in English after the language switch."""

from __future__ import annotations

from markupsafe import escape

from app.api.spec import openapi_document


def test_the_page_lists_every_operation_of_the_document(app, client, programme_world):
    html = client.get("/api/v1/").get_data(as_text=True)
    assert '<html lang="nl">' in html and "API en de agenda op uw eigen website" in html
    with app.test_request_context():
        document = openapi_document("nl")
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert f"GET /api/v1{path}</code> – {escape(operation['summary'])}" in html
    assert "Het OpenAPI 3.1-document" in html and 'href="/api/v1/openapi.json?lang=nl"' in html
    assert "per_page" in html and "kenniscafe, themadag" in html  # parameters, from the document
    assert 'data-theme="armoede-en-bestaanszekerheid"' in html  # a real theme as the example
    assert "http://kennisagenda.test/static/kennisagenda-embed.js" in html


def test_the_page_in_english(client):
    client.post("/taal", data={"taal": "en"})
    html = client.get("/api/v1/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "The API and the programme on your own website" in html
    assert "GET /api/v1/events</code> – Events" in html
    assert 'href="/api/v1/openapi.json?lang=en"' in html
