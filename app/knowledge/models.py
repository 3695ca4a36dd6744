"""Materials attached to sessions and events, or put straight on a theme's shelf."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.accounts.models import User
from app.agenda.models import Session
from app.extensions import db
from app.programme.models import Event, Theme
from app.timezones import UTCDateTime, utcnow


class MaterialKind(enum.StrEnum):
    SLIDES = "slides"
    HANDOUT = "handout"
    REPORT = "report"  # a short report of the event
    PRACTICE = "practice"  # goede praktijk: a tool or best practice for the theme's shelf
    LINK = "link"


class Audience(enum.StrEnum):
    PUBLIC = "public"
    ATTENDEES = "attendees"  # only those who had a place, through their manage link


class Material(db.Model):
    """One material: a file (kept in the database or in MATERIALS_FOLDER) or a link. Visible
    once published; an event's only after the event is over."""

    __tablename__ = "materials"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('slides', 'handout', 'report', 'practice', 'link')", name="kind_known"
        ),
        sa.CheckConstraint("audience IN ('public', 'attendees')", name="audience_known"),
        # An event's material or a theme's, never both, never neither.
        sa.CheckConstraint("(event_id IS NULL) <> (theme_id IS NULL)", name="one_owner"),
        # A theme's shelf has no attendees to keep anything for.
        sa.CheckConstraint("theme_id IS NULL OR audience = 'public'", name="theme_is_public"),
        # A file or a link, never both, never neither.
        sa.CheckConstraint("(url IS NULL) <> (file_name IS NULL)", name="file_or_link"),
        sa.CheckConstraint("size IS NULL OR size >= 0", name="size_not_negative"),
        sa.Index("ix_materials_theme_published", "theme_id", "published_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    theme_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE")
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Title and description folded (lower case, no accents): what the shelf's search matches,
    # the same on SQLite and PostgreSQL. Kept by the services whenever either changes.
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # The file: its name as uploaded (cleaned), the type found in its content, its size.
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    content_type: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    size: so.Mapped[int | None] = so.mapped_column()
    # The bytes in the database, or the name of the file in MATERIALS_FOLDER: never both.
    data: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
    storage_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    audience: so.Mapped[str] = so.mapped_column(sa.String(16), default=Audience.PUBLIC)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: so.Mapped[Event | None] = so.relationship()
    session: so.Mapped[Session | None] = so.relationship()
    theme: so.Mapped[Theme | None] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()

    @property
    def is_link(self) -> bool:
        return self.url is not None

    @property
    def for_attendees_only(self) -> bool:
        return self.audience == Audience.ATTENDEES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.kind} {self.title!r}>"
