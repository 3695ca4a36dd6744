"""What a public page was rendered from, in one short query: the counters that every change
moves in its own transaction (app/calendar/stamps.py), and how many of the moments that
change a page by the clock alone have passed (registration opens or closes, the event starts
or ends). Two renders with the same stamp show the same thing."""

from __future__ import annotations

import threading
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.pages.models import SITE, page_versions
from app.programme.models import Event, EventStatus
from app.timezones import utcnow

_events = Event.__table__
_site = (
    sa.select(page_versions.c.version)
    .where(page_versions.c.scope == SITE)
    .scalar_subquery()
    .label("site")
)
_MOMENTS = ("registration_opens_at", "registration_closes_at", "starts_at", "ends_at")
_now = sa.bindparam("now", type_=Event.__table__.c.starts_at.type)


def _passed(column):
    # Strictly before now: a page rendered at the very moment is stored under the stamp of
    # before it, which the next instant replaces, whichever way the page compares (>= or <).
    return sa.case((column < _now, 1), else_=0)


# Built once: a cached page costs this one statement, so its construction counts (it was a
# third of a cache hit's time when built per request).
_EVENT_STAMP = sa.select(
    _events.c.id, _events.c.status, _events.c.page_version,
    sum((_passed(_events.c[name]) for name in _MOMENTS), sa.literal(0)).label("passed"), _site,
).where(_events.c.slug == sa.bindparam("slug"))  # fmt: skip
_LISTING_STAMP = sa.select(
    sa.func.coalesce(sa.func.sum(_events.c.page_version), 0).label("versions"),
    sa.func.coalesce(sum((sa.func.sum(_passed(_events.c[name])) for name in _MOMENTS),
                         sa.literal(0)), 0).label("passed"),
    _site,
)  # fmt: skip


_engine_lock = threading.Lock()


def _engine() -> sa.Engine:
    """An engine of the stamps' own, in autocommit and without a ping before each use: on
    PostgreSQL a stamp is then one round trip instead of five (ping, BEGIN, the query,
    ROLLBACK, on a session's connection), which was two thirds of a cached page's time."""
    app = current_app._get_current_object()
    with _engine_lock:
        if "page_cache.engine" not in app.extensions:
            app.extensions["page_cache.engine"] = sa.create_engine(
                db.engine.url, isolation_level="AUTOCOMMIT"
            )
        return app.extensions["page_cache.engine"]


def dispose() -> None:
    engine = current_app.extensions.pop("page_cache.engine", None)
    if engine is not None:
        engine.dispose()


def _read(statement, values: dict):
    for attempt in (1, 2):
        try:
            with _engine().connect() as connection:
                return connection.execute(statement, values).first()
        except sa.exc.DBAPIError as error:
            # Without the ping, a connection the database dropped (a restart) fails once:
            # the pool is emptied and the next connection is a new one.
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def event_stamp(slug: str, now: datetime | None = None) -> str | None:
    """The event page's stamp, or None when the page is not one to cache (no such event, or a
    draft, which only its organisers see)."""
    row = _read(_EVENT_STAMP, {"slug": slug, "now": now or utcnow()})
    if row is None or row.status == EventStatus.DRAFT:
        return None
    return f"e{row.id}.{row.page_version}.{row.passed}.s{row.site}"


def listing_stamp(now: datetime | None = None) -> str:
    """The programme's and the archive's stamp: between two moves of the site's counter (an
    event made or deleted) every change moves one event's counter up, so the sum of them all
    only grows."""
    row = _read(_LISTING_STAMP, {"now": now or utcnow()})
    return f"p{row.versions}.{row.passed}.s{row.site}"
