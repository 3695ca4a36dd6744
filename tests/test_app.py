"""Configuration, security headers, error pages."""

import re

import pytest

from app import create_app
from app.config import ConfigError, load_config


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production"})


def test_production_cookies_are_secure(base_config):
    app = create_app({**base_config, "APP_ENV": "production", "SECRET_KEY": "x" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/kennisagenda")
    assert load_config()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/kennisagenda"


def test_pages_carry_security_headers_and_a_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere(client, make_event):
    event = make_event()
    for url in ("/", f"/activiteiten/{event.slug}", "/beheer/inloggen", "/contact"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert '="None"' not in html
        assert 'src="http' not in html
        # Stylesheets and other <link>s come from here; a plain <a> to another site loads nothing.
        assert not re.search(r'<link[^>]+href="(?!http://kennisagenda\.test)[a-z]+:', html)


def test_unknown_page_is_a_friendly_dutch_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


@pytest.fixture
def app_config(base_config, request):
    # A test that adds a route needs an app of its own (a reused one has served requests).
    if request.node.name == "test_unexpected_error_is_a_friendly_500":
        return {**base_config, "TEST_OWN_APP": request.node.name}
    return dict(base_config)


def test_unexpected_error_is_a_friendly_500(app, client):
    @app.get("/kapot")
    def broken():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/kapot")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)
