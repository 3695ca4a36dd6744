"""Presence: who was there, at the event and per session, and the codes that check them in."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.accounts.models import User
from app.extensions import db
from app.registration.models import Registration
from app.timezones import UTCDateTime, utcnow

# The `checkin` accounts that staff an event's desk, chosen by its organisers.
desk_assignments = sa.Table(
    "desk_assignments",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class CheckInMethod(enum.StrEnum):
    QR = "qr"
    LIST = "list"
    WALK_IN = "walk-in"


class CheckIn(db.Model):
    """One person present, at the event itself (`session_id` None) or at one session.

    Undoing keeps the row (who undid it, when); a new check-in after an undo is a new row.
    At most one check-in that stands per registration and session: a partial unique index,
    so twenty desks scanning one code at once store one."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.CheckConstraint("method IN ('qr', 'list', 'walk-in')", name="method_known"),
        # (Two partial indexes: NULL = the event itself, and NULLs never clash in a unique one.)
        sa.Index(
            "uq_check_ins_event_standing",
            "registration_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NULL AND undone_at IS NULL"),
            postgresql_where=sa.text("session_id IS NULL AND undone_at IS NULL"),
        ),
        sa.Index(
            "uq_check_ins_session_standing",
            "registration_id",
            "session_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NOT NULL AND undone_at IS NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL AND undone_at IS NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    # When the person came in: the desk's own clock for a check-in made offline.
    checked_in_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    method: so.Mapped[str] = so.mapped_column(sa.String(8))
    # The desk's own id for this check-in: a retried upload is recognised, never doubled.
    client_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    undone_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    undone_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # "undone" by a person, or "earlier-elsewhere": another desk's offline check-in came
    # in later but was made earlier, and the earliest is kept.
    undone_reason: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    registration: so.Mapped[Registration] = so.relationship()
    checked_in_by: so.Mapped[User | None] = so.relationship(foreign_keys=[checked_in_by_id])
    undone_by: so.Mapped[User | None] = so.relationship(foreign_keys=[undone_by_id])

    @property
    def stands(self) -> bool:
        return self.undone_at is None


class CheckInCode(db.Model):
    """The secret in a registration's check-in QR: 128 random bits, only its SHA-256 stored.

    Separate from the manage link: whoever sees the QR (a desk volunteer, a photo of a badge)
    can check the person in, nothing more. Each mail, manage link and badge print has its
    own; revoking one leaves the others."""

    __tablename__ = "check_in_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    code_hash: so.Mapped[str] = so.mapped_column(
        sa.String(64), unique=True, info={"personal": True}
    )
    source: so.Mapped[str] = so.mapped_column(sa.String(16))  # "mail", "manage", "badge"
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    registration: so.Mapped[Registration] = so.relationship()
