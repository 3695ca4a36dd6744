"""What a public page was rendered from, in one short query: the counters that every change
moves in its own transaction (app/calendar/stamps.py), and how many of the moments that
change a page by the clock alone have passed (registration opens or closes, the event starts
or ends). Two renders with the same stamp show the same thing.

A page from the cache costs this one query and nothing else from the database, so it is
written once in plain SQL that SQLite and PostgreSQL both read, and sent straight through
the driver on a connection in autocommit: one round trip. Through the ORM session it was
five (a ping, BEGIN, the query, ROLLBACK) and two thirds of a cached page's time; through
SQLAlchemy Core still a sixth."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.pages.models import SITE
from app.programme.models import EventStatus
from app.timezones import UTCDateTime, utcnow

_MOMENTS = ("registration_opens_at", "registration_closes_at", "starts_at", "ends_at")
# Strictly before now: a page rendered at the very moment is stored under the stamp of before
# it, which the next instant replaces, whichever way the page compares (>= or <).
_PASSED = " + ".join(f"CASE WHEN {name} < :now THEN 1 ELSE 0 END" for name in _MOMENTS)
_SITE = f"(SELECT version FROM page_versions WHERE scope = '{SITE}')"
_EVENT_STAMP = f"SELECT id, status, page_version, {_PASSED}, {_SITE} FROM events WHERE slug = :slug"
_LISTING_STAMP = (
    f"SELECT COALESCE(SUM(page_version), 0), COALESCE(SUM({_PASSED}), 0), {_SITE} FROM events"
)

_engine_lock = threading.Lock()


class _Reader:
    """The stamps' own engine (autocommit, no ping before each use), and the two statements
    in its driver's parameter style."""

    def __init__(self, url) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        dialect = self.engine.dialect
        named = (lambda sql: re.sub(r":(\w+)", r"%(\1)s", sql)) if dialect.paramstyle == "pyformat" else str  # fmt: skip
        self.event_sql, self.listing_sql = named(_EVENT_STAMP), named(_LISTING_STAMP)
        self.moment = UTCDateTime().bind_processor(dialect) or (lambda value: value)

    def row(self, sql: str, values: dict) -> tuple | None:
        values = {**values, "now": self.moment(values["now"])}
        for attempt in (1, 2):
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(sql, values)
                row = cursor.fetchone()
                cursor.close()
                return row
            except self.engine.dialect.loaded_dbapi.OperationalError:
                # Without the ping, a connection the database dropped (a restart) fails
                # once: it is thrown away and the next one is new.
                connection.invalidate()
                if attempt == 2:
                    raise
            finally:
                connection.close()
        raise AssertionError("unreachable")


def _reader() -> _Reader:
    app = current_app._get_current_object()
    with _engine_lock:
        if "page_cache.reader" not in app.extensions:
            app.extensions["page_cache.reader"] = _Reader(db.engine.url)
        return app.extensions["page_cache.reader"]


def dispose() -> None:
    reader = current_app.extensions.pop("page_cache.reader", None)
    if reader is not None:
        reader.engine.dispose()


def event_stamp(slug: str, now: datetime | None = None) -> str | None:
    """The event page's stamp, or None when the page is not one to cache (no such event, or a
    draft, which only its organisers see)."""
    reader = _reader()
    row = reader.row(reader.event_sql, {"slug": slug, "now": now or utcnow()})
    if row is None or row[1] == EventStatus.DRAFT:
        return None
    event_id, _status, version, passed, site = row
    return f"e{event_id}.{version}.{passed}.s{site}"


def listing_stamp(now: datetime | None = None) -> str:
    """The programme's and the archive's stamp: between two moves of the site's counter (an
    event made or deleted) every change moves one event's counter up, so the sum of them all
    only grows."""
    reader = _reader()
    versions, passed, site = reader.row(reader.listing_sql, {"now": now or utcnow()})
    return f"p{versions}.{passed}.s{site}"
