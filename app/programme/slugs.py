"""Slugs: the readable, unique part of an event's or theme's address, made once from its name
(and, for an event, its local date), never ending in a 500 when two requests make one at once."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.errors import StateConflict
from app.extensions import db
from app.programme.models import Event
from app.timezones import to_local


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:180] or "activiteit"


def unique_slug(model, base: str) -> str:
    base = base[: model.slug.type.length - 8]  # room for a "-NNN" suffix within the column
    taken = set(db.session.scalars(sa.select(model.slug).where(model.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def event_slug(title: str, starts_at: datetime) -> str:
    # The date people read in the slug is the local one: 00.30 in Amsterdam is still that day.
    return unique_slug(Event, f"{slugify(title)[:180]}-{to_local(starts_at):%Y-%m-%d}")


class TakenMeanwhile(StateConflict):
    """Another request inserted the same thing first (the same form posted twice)."""


def insert_with_unique_slug(row, make_slug, fill=lambda: None, *, taken=lambda: False) -> None:
    """Insert `row` with a free slug; `fill` sets its relationships once it is in the session.
    Two requests at once may pick the same slug; the loser's savepoint rolls back and it takes
    the next one, never a 500. When `taken()` says the clash was the row itself (made by the
    other request), TakenMeanwhile."""
    for _attempt in range(5):
        row.slug = make_slug()
        try:
            with db.session.begin_nested():
                db.session.add(row)
                fill()
                db.session.flush()
            return
        except IntegrityError:
            if taken():
                raise TakenMeanwhile() from None
    raise StateConflict(_l("Dat lukte even niet; probeer het opnieuw."))
