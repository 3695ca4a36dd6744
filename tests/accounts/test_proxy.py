"""Behind a reverse proxy the login limit keys on the real client (PROXY_FIX_X_FOR); without
that setting an X-Forwarded-For header is ignored, so a client cannot pick its own key."""

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.config import ConfigError, load_config

WRONG = "fout-fout-fout"


def attempt(client, email: str, forwarded_for: str, password: str = WRONG) -> int:
    response = client.post(
        "/beheer/inloggen",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute",
                "PROXY_FIX_X_FOR": 1}  # fmt: skip

    def test_each_client_behind_the_proxy_gets_its_own_login_limit(self, app, make_user):
        user = make_user()
        office, home = app.test_client(), app.test_client()
        assert [attempt(office, user.email, "198.51.100.7") for _ in range(6)] == [401] * 5 + [429]

        assert attempt(home, user.email, "203.0.113.9") == 401
        assert attempt(home, user.email, "203.0.113.9", password="een-lang-wachtwoord") == 302
        assert attempt(office, user.email, "198.51.100.7", password="een-lang-wachtwoord") == 429

    def test_only_the_address_the_proxy_added_counts(self, client, make_user):
        # The proxy appends the address it saw; whatever the client put before it is its own.
        user = make_user()
        statuses = [attempt(client, user.email, f"10.0.0.{i}, 198.51.100.7") for i in range(6)]
        assert statuses == [401] * 5 + [429]


class TestWithoutProxySettings:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"}

    def test_a_spoofed_forwarded_for_header_does_not_dodge_the_limit(self, client, make_user):
        user = make_user()
        statuses = [attempt(client, user.email, f"203.0.113.{i}") for i in range(6)]
        assert statuses == [401] * 5 + [429]


PROXY_SETTINGS = {"PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1, "PROXY_FIX_X_HOST": 0,
                  "PROXY_FIX_X_PREFIX": 2}  # fmt: skip


def test_proxy_settings_are_read_from_the_environment(monkeypatch, base_config):
    for name, value in PROXY_SETTINGS.items():
        monkeypatch.setenv(name, str(value))
    config = load_config({"SECRET_KEY": "x"})
    assert {name: config[name] for name in PROXY_SETTINGS} == PROXY_SETTINGS

    proxy_fix = create_app(base_config).wsgi_app
    assert isinstance(proxy_fix, ProxyFix)
    hops = (proxy_fix.x_for, proxy_fix.x_proto, proxy_fix.x_host, proxy_fix.x_prefix)
    assert hops == tuple(PROXY_SETTINGS.values())


def test_without_proxy_settings_no_proxy_fix_is_installed(monkeypatch, base_config):
    for part in ("FOR", "PROTO", "HOST", "PREFIX"):
        monkeypatch.delenv(f"PROXY_FIX_X_{part}", raising=False)
    assert not isinstance(create_app(base_config).wsgi_app, ProxyFix)


@pytest.mark.parametrize("value", ["yes", "-1", "1.5", "²"])
def test_a_proxy_count_that_is_not_a_whole_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("PROXY_FIX_X_FOR", value)
    with pytest.raises(ConfigError, match="PROXY_FIX_X_FOR"):
        load_config({"SECRET_KEY": "x"})
