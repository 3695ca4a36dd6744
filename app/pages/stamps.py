"""What a public page was rendered from, in one short query: the counters that every change
moves in its own transaction (app/calendar/stamps.py), and how many of the moments that
change a page by the clock alone have passed (registration opens or closes, the event starts
or ends). Two renders with the same stamp show the same thing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.pages.models import SITE, page_versions
from app.programme.models import Event, EventStatus
from app.timezones import utcnow

_events = Event.__table__
_site = sa.select(page_versions.c.version).where(page_versions.c.scope == SITE).scalar_subquery()
_MOMENTS = ("registration_opens_at", "registration_closes_at", "starts_at", "ends_at")


def _passed(column, now: datetime):
    return sa.case((column <= now, 1), else_=0)


def event_stamp(slug: str, now: datetime | None = None) -> str | None:
    """The event page's stamp, or None when the page is not one to cache (no such event, or a
    draft, which only its organisers see)."""
    now = now or utcnow()
    passed = sum((_passed(_events.c[name], now) for name in _MOMENTS), sa.literal(0))
    row = db.session.execute(
        sa.select(_events.c.id, _events.c.status, _events.c.page_version, passed, _site)
        .where(_events.c.slug == slug)
    ).first()  # fmt: skip
    if row is None or row.status == EventStatus.DRAFT:
        return None
    return f"e{row.id}.{row.page_version}.{row[3]}.s{row[4]}"


def listing_stamp(now: datetime | None = None) -> str:
    """The programme's and the archive's stamp: between two moves of the site's counter (an
    event made or deleted) every change moves one event's counter up, so the sum of them all
    only grows."""
    now = now or utcnow()
    passed = sum((sa.func.sum(_passed(_events.c[name], now)) for name in _MOMENTS),
                 sa.literal(0))  # fmt: skip
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(_events.c.page_version), 0),
            sa.func.coalesce(passed, 0),
            _site,
        )  # fmt: skip
    ).one()
    return f"p{row[0]}.{row[1]}.s{row[2]}"
