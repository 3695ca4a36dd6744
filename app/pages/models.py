"""The site's page counter: moves with changes that reach beyond one event (an event made or
deleted, a theme). Each event keeps its own counters, `Event.page_version` and, for the
places it shows, `Event.places_version`."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.extensions import db

page_versions = sa.Table(
    "page_versions",
    db.metadata,
    sa.Column("scope", sa.String(20), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

SITE = "site"


def bump_site(connection: Connection) -> None:
    """One up, in the caller's transaction; the row is made if it is missing (an emptied
    table), in one statement that both SQLite and PostgreSQL understand."""
    connection.execute(
        sa.text(
            "INSERT INTO page_versions (scope, version) VALUES (:scope, 1) "
            "ON CONFLICT (scope) DO UPDATE SET version = page_versions.version + 1"
        ),
        {"scope": SITE},
    )
