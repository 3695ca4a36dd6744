"""Fixtures in the flaskr style: a fresh app per test, `client`, `runner`, an `auth` helper,
and factory fixtures (`make_event` returns a function) for readable test data.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Data is
committed for real (so a live server in another thread or process sees it) and every table is
emptied after each test."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from itertools import count

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.accounts import services as accounts
from app.extensions import db, limiter
from app.pages import stamps as page_stamps
from app.pages.cache import clear as clear_pages
from app.programme import services as programme
from app.programme.models import EventKind
from app.programme.themes import create_theme
from app.registration import consents
from app.registration import services as registration_services
from app.registration.services import RegistrationDetails
from app.timezones import AMSTERDAM, utcnow

PASSWORD = "een-lang-wachtwoord"

# The live server and the browser, for every directory with browser tests.
pytest_plugins = ["tests.browser.fixtures"]


def pytest_collection_modifyitems(config, items) -> None:
    """The long sweeps (every route, every page at three widths) first: with the suite in two
    processes, neither is then left running one of them alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("sweep") is None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in a temporary folder, or TEST_DATABASE_URL; with `make test`'s parallel
    workers (pytest-xdist) each has a database of its own, made next to the given one (same
    server, its name plus the worker's) and dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    if worker_id == "master":
        yield url
        return
    given = sa.make_url(url)
    own = given.set(database=f"{given.database}_{worker_id}")
    server = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    statement = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
    with server.connect() as connection:
        connection.execute(sa.text(statement.format(own.database)))
        connection.execute(sa.text(f"CREATE DATABASE {own.database}"))
    yield own.render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(statement.format(own.database)))
    server.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What a real SMTP server on loopback received, parsed with the standard library."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=email_policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.messages)


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.clear()
    return smtp_server.handler


@pytest.fixture(scope="session")
def base_config(database_url, smtp_server) -> dict:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_DELIVERY": "immediate",
        "MAIL_DEFAULT_SENDER": "Kennisagenda <noreply@kennisagenda.test>",
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://kennisagenda.test",
        "SERVER_NAME": None,
        # Cheap hashing keeps the role × route table fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(scope="session")
def _schema(base_config):
    app = create_app(base_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield


def _empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app_config(base_config) -> dict:
    """Override per test module or test to change settings (e.g. enable CSRF)."""
    return dict(base_config)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (its own `g` and database session), as in
    production, even though the test itself holds an app context for its factories."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


# The app of the previous test, reused while the configuration stays the same: building an
# app compiles every URL rule and, on first render, every template again (most of a short
# test's time). Only the last one is kept, because some extensions (the rate limiter) keep
# their settings globally, from the app that was set up last. Each test still starts from the
# same state: its configuration is put back, the per-process workers and caches are dropped,
# the rate limits reset and every table emptied.
_LAST_APP: dict[str, Flask] = {}
PER_TEST_EXTENSIONS = ("certificate_runner", "outbox_sender", "calendar.window")


def _app_for(config: dict) -> Flask:
    key = json.dumps(config, sort_keys=True, default=repr)
    if key not in _LAST_APP:
        _LAST_APP.clear()
        app = create_app(config)
        app.test_client_class = IsolatedClient
        _LAST_APP[key] = app
    return _LAST_APP[key]


@pytest.fixture
def app(_schema, app_config, mailbox):
    app = _app_for(app_config)
    config = dict(app.config)
    with app.app_context():
        yield app
        # No mail thread outlives its test: it would send into the next test's tables (and
        # draw random MIME boundaries while Hypothesis draws in the fuzz test).
        for name in ("certificate_runner", "outbox_sender"):  # jobs queue mail: jobs first
            worker = app.extensions.get(name)
            if worker is not None:
                worker.wait_until_idle(timeout=60)
                worker.stop()
        for name in PER_TEST_EXTENSIONS:
            app.extensions.pop(name, None)
        clear_pages()  # pages rendered from the rows this test leaves behind
        page_stamps.dispose()
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()  # the counts are the app's; the next test starts with none
        app.config.clear()
        app.config.update(config)
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/beheer/inloggen", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/beheer/uitloggen")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


_sequence = count(1)


@pytest.fixture
def make_user(app):
    def make(
        role: str = "organiser", email: str | None = None, name: str = "Test Gebruiker", active=True
    ):
        user = accounts.create_user(
            email or f"user{next(_sequence)}@example.org", name, role, PASSWORD
        )
        user.active = active
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_theme(app):
    def make(name: str | None = None, **details):
        theme = create_theme({"name": name or f"Thema {next(_sequence)}", **details})
        db.session.commit()
        return theme

    return make


def local(year, month, day, hour=19, minute=30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


TWO_WEEKS = timedelta(days=14)
# A date in a given season that is always ahead: next year's. A fixed year (2027) would make a
# test fail once that date had passed.
NEXT_YEAR = utcnow().year + 1


def days_ahead(days: int, hour: int = 19, minute: int = 30) -> datetime:
    """`days` from today in Amsterdam, at a clock time of its own. An event made "two weeks
    from now" started at whatever the hour was when the test ran: late in the evening on
    another date in Amsterdam than in UTC, once a year in the hour the clocks go back."""
    day = utcnow().astimezone(AMSTERDAM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def make_event(app, make_user):
    def make(owner=None, status: str = "published", starts_in=TWO_WEEKS, hours=2, **details):
        owner = owner or make_user()
        start = details.pop("starts_at", None) or (
            days_ahead(14) if starts_in == TWO_WEEKS  # the usual event: an evening
            else (utcnow() + starts_in).replace(microsecond=0)  # exactly as far ahead as asked
        )  # fmt: skip
        values = {
            "kind": EventKind.KENNISCAFE,
            "title": f"Kenniscafé {next(_sequence)}",
            "starts_at": start,
            "ends_at": details.pop("ends_at", None) or start + timedelta(hours=hours),
            "city": "Nijmegen",
            "venue_name": "Wijkcentrum De Schakel",
            "capacity": 40,
        }
        values.update(details)
        event = programme.create_event(owner, values)
        if status in ("published", "cancelled"):
            programme.publish_event(event)
        if status == "cancelled":
            programme.cancel_event(event)
        db.session.commit()
        return event

    return make


def row_count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def register(app):
    """register(event, "name") -> the committed Registration (e-mail derived from the name).
    `newsletter=True`: as if the person also confirmed the newsletter from its mail (the
    double opt-in itself is tested in tests/privacy/test_consent.py)."""

    def make(event, name: str = "Deelnemer", email: str | None = None, **details):
        email = email or f"{name.lower().replace(' ', '.')}@example.org"
        outcome = registration_services.register(
            event.id, RegistrationDetails(name=name, email=email, **details)
        )
        asked = consents.states(outcome.registration)["newsletter"].asked
        if details.get("newsletter") and asked is not None:
            asked.given_at = utcnow()
        db.session.commit()
        return outcome.registration

    return make


@pytest.fixture
def real_server(database_url, smtp_server):
    """The app under gunicorn, as in production: 4 worker processes on PostgreSQL, one
    process with 16 threads on SQLite. Mail goes to the test SMTP server; `delivery` sets how."""
    from bench.rush import serve

    def start(delivery: str = "immediate"):
        postgres = database_url.startswith("postgresql")
        env = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_server.port),
            "MAIL_DELIVERY": delivery,
        }
        return serve(
            database_url, workers=4 if postgres else 1, threads=1 if postgres else 16, env=env
        )

    return start
