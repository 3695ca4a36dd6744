"""Settings from environment variables, with safe defaults for development."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """A setting the app cannot run without is missing or wrong."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str) -> int:
    value = os.environ.get(name, "0").strip() or "0"
    if not (value.isascii() and value.isdigit()):
        raise ConfigError(f"{name} must be a whole number of proxies (0 = none), not {value!r}.")
    return int(value)


def _port() -> str:
    value = os.environ.get("PORT", "5000").strip() or "5000"
    if not (value.isascii() and value.isdigit()):
        raise ConfigError(f"PORT must be a port number, not {value!r}.")
    return value


def _database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply `overrides` (used by tests)."""
    overrides = overrides or {}
    env = overrides.get("APP_ENV", os.environ.get("APP_ENV", "development"))
    production = env == "production"
    secret_key = overrides.get("SECRET_KEY", os.environ.get("SECRET_KEY"))
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
        secret_key = DEV_SECRET_KEY
        print(
            "WARNING: SECRET_KEY is not set; using an insecure development key. "
            "Never run like this in production.",
            file=sys.stderr,
        )
    default_db = f"sqlite:///{INSTANCE_DIR / 'kennisagenda.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL") or None
    config = {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(os.environ.get("DATABASE_URL", default_db)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Without BASE_URL, links point at this machine on PORT: the port `make run` serves on.
        "BASE_URL": os.environ.get("BASE_URL", f"http://127.0.0.1:{_port()}").rstrip("/"),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        # Public pages (event, programme, archive) from a cache checked against the data on
        # every request (app/pages): in Redis with REDIS_URL, else in each process.
        "PAGE_CACHE": _flag("PAGE_CACHE", True),
        "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # How many proxies in front of the app set each X-Forwarded-* header. 0 ignores the
        # header: trusting one that no proxy of ours sets would let a client choose its own
        # address, and so dodge the rate limits.
        "PROXY_FIX_X_FOR": _count("PROXY_FIX_X_FOR"),
        "PROXY_FIX_X_PROTO": _count("PROXY_FIX_X_PROTO"),
        "PROXY_FIX_X_HOST": _count("PROXY_FIX_X_HOST"),
        "PROXY_FIX_X_PREFIX": _count("PROXY_FIX_X_PREFIX"),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        # Verifying certificate numbers: plenty for a register checking a list, too few to guess.
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour"),
        "REGISTRATION_RATE_LIMIT": os.environ.get(
            "REGISTRATION_RATE_LIMIT", "20 per minute;200 per hour"
        ),
        "REGISTRATION_EMAIL_RATE_LIMIT": os.environ.get(
            "REGISTRATION_EMAIL_RATE_LIMIT", "5 per hour"
        ),
        # Always real SMTP: Flask-Mailman would quietly keep mail in memory under TESTING. The
        # one exception is MAIL_VIEWER (below), which the developer asks for by name.
        "MAIL_BACKEND": "smtp",
        # Development only (`make run` sets it): mail goes nowhere, every message is shown at
        # /dev/mail instead (app/mail/dev_viewer.py).
        "MAIL_VIEWER": _flag("MAIL_VIEWER"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Kennisagenda <noreply@kennisagenda.example>"
        ),
        # immediate: sent right after the commit; rq: an RQ job (the default with REDIS_URL);
        # manual: only by `flask outbox send` (e.g. from cron).
        "MAIL_DELIVERY": os.environ.get("MAIL_DELIVERY", "rq" if redis_url else "immediate"),
        "RQ_CONNECTION": redis_url,
        # Certificate jobs (send, ZIP): rq with REDIS_URL, else a thread in the web process.
        "CERTIFICATE_JOBS": os.environ.get("CERTIFICATE_JOBS", "rq" if redis_url else "thread"),
        # Where the ZIPs of an event's certificates are written (and kept until the next).
        "CERTIFICATE_FILES_DIR": os.environ.get(
            "CERTIFICATE_FILES_DIR", str(INSTANCE_DIR / "certificates")
        ),
        # Personal data of an event is anonymised this many months after it ends (an event can
        # set its own), by `flask privacy apply-retention`; what verifies an issued certificate
        # (holder's name, register numbers) is kept this many years after the event.
        "PRIVACY_RETENTION_MONTHS": int(os.environ.get("PRIVACY_RETENTION_MONTHS", "12")),
        "PRIVACY_CERTIFICATE_YEARS": int(os.environ.get("PRIVACY_CERTIFICATE_YEARS", "7")),
        "PRIVACY_AUDIT_MONTHS": int(os.environ.get("PRIVACY_AUDIT_MONTHS", "24")),
        # Minutes that a link confirming someone owns an address (to see or erase their data)
        # stays valid.
        "PRIVACY_CONFIRM_MINUTES": int(os.environ.get("PRIVACY_CONFIRM_MINUTES", "30")),
        # The functionaris gegevensbescherming (FG), named in the privacy statement when set.
        "PRIVACY_OFFICER_NAME": os.environ.get("PRIVACY_OFFICER_NAME", ""),
        "PRIVACY_OFFICER_EMAIL": os.environ.get("PRIVACY_OFFICER_EMAIL", ""),
        # Materials: uploads up to this size; stored in this folder, else in the database.
        "MATERIALS_MAX_BYTES": int(os.environ.get("MATERIALS_MAX_BYTES", str(25 * 1024 * 1024))),
        "MATERIALS_FOLDER": os.environ.get("MATERIALS_FOLDER") or None,
        "PROGRAMME_PAGE_SIZE": int(os.environ.get("PROGRAMME_PAGE_SIZE", "12")),
        "ORGANISATION_NAME": os.environ.get(
            "ORGANISATION_NAME", "Werkplaats Sociaal Domein Rivierenland"
        ),
        "ORGANISATION_EMAIL": os.environ.get(
            "ORGANISATION_EMAIL", "werkplaats@kennisagenda.example"
        ),
        # Where calendar clients send accept/decline replies to an invitation (its ORGANIZER).
        # Nothing here reads them: point it at a mailbox a person reads. Empty: the event's
        # contact address, else ORGANISATION_EMAIL. See the README, "Agenda's".
        "CALENDAR_ORGANIZER_EMAIL": os.environ.get("CALENDAR_ORGANIZER_EMAIL", ""),
        "ORGANISATION_PHONE": os.environ.get("ORGANISATION_PHONE", "024 123 45 67"),
        "ORGANISATION_ADDRESS": os.environ.get(
            "ORGANISATION_ADDRESS", "Kapittelweg 33, 6525 EN Nijmegen"
        ),
    }
    config.update(overrides)
    _mail_viewer(config, overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)
    return config


def _mail_viewer(config: dict, overrides: dict) -> None:
    """With MAIL_VIEWER on, no mail leaves the machine: the outbox is delivered to a backend
    that only builds each message, and /dev/mail shows them. Never in production: that page
    shows every mail, personal links included."""
    if not config["MAIL_VIEWER"]:
        return
    if config["APP_ENV"] == "production":
        raise ConfigError(
            "MAIL_VIEWER is for development; it cannot be on with APP_ENV=production."
        )
    if "MAIL_BACKEND" not in overrides:
        config["MAIL_BACKEND"] = "app.mail.dev_viewer.CaughtEmailBackend"
