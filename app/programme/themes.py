"""Themes: the shelves events are grouped on (Thema's), each made once by name and given an
address from it. Nothing here knows about HTTP requests."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.programme.models import Theme
from app.programme.slugs import insert_with_unique_slug, slugify, unique_slug

THEME_FIELDS = ("name", "description", "contact_name", "contact_email")


def _theme_named(name: str, other_than: int | None = None) -> Theme | None:
    query = sa.select(Theme).where(sa.func.lower(Theme.name) == name.strip().lower())
    if other_than is not None:
        query = query.where(Theme.id != other_than)
    return db.session.scalar(query)


# A theme's address is made from its name once, with room for a "-2" when the name is taken;
# "nieuw" is already a page of its own (/beheer/themas/nieuw).
THEME_SLUG_ROOM = Theme.__table__.c.slug.type.length - 10
RESERVED_THEME_SLUGS = {"nieuw"}


def create_theme(details: dict) -> Theme:
    if _theme_named(details["name"]) is not None:
        raise DomainError(_l("Er is al een thema met deze naam."))
    slug = slugify(details["name"])
    if len(slug) > THEME_SLUG_ROOM:
        raise DomainError(_l("Deze naam is te lang voor een webadres. Kies een kortere naam."))
    if slug in RESERVED_THEME_SLUGS:
        raise DomainError(
            _l("Deze naam is al het adres van een andere pagina. Kies een andere naam.")
        )
    theme = Theme(**{f: details[f] for f in THEME_FIELDS if f in details})
    insert_with_unique_slug(theme, lambda: unique_slug(Theme, slugify(theme.name)))
    return theme


def update_theme(theme: Theme, details: dict) -> Theme:
    if "name" in details and _theme_named(details["name"], other_than=theme.id) is not None:
        raise DomainError(_l("Er is al een thema met deze naam."))
    for field in THEME_FIELDS:
        if field in details:
            setattr(theme, field, details[field])
    db.session.flush()
    return theme
