"""Consent as records, and the audit log of what organisers and admins do with personal data."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.timezones import UTCDateTime, utcnow


class Purpose(enum.StrEnum):
    # A newsletter: the werkplaats's own (no theme) or a theme's work-team updates.
    NEWSLETTER = "newsletter"
    # Being photographed at one event.
    PHOTOS = "photos"
    # Being shown by name as a member of a theme's work team.
    MEMBER_SHOWN = "member_shown"


class Consent(db.Model):
    """One consent of one person for one purpose: the exact words they were shown, when and how
    it was given and, once withdrawn, when and how. A new consent after a withdrawal is a new
    row, so the history stays. `given_at` is empty while a double opt-in awaits confirmation."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.CheckConstraint(
            "purpose IN ('newsletter', 'photos', 'member_shown')", name="purpose_known"
        ),
        sa.Index("ix_consents_purpose_theme", "purpose", "theme_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True, info={"personal": True}
    )
    purpose: so.Mapped[str] = so.mapped_column(sa.String(16))
    theme_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE")
    )
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    # The registration it was given with, if any (a newsletter consent outlives it).
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    # The words shown, in the language shown, and their version (see consent.TEXTS).
    text: so.Mapped[str] = so.mapped_column(sa.Text, info={"personal": True})
    text_version: so.Mapped[str] = so.mapped_column(sa.String(40))
    asked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    given_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, info={"personal": True})
    given_how: so.Mapped[str] = so.mapped_column(sa.String(24), info={"personal": True})
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(
        UTCDateTime, info={"personal": True}
    )
    withdrawn_how: so.Mapped[str | None] = so.mapped_column(sa.String(24), info={"personal": True})
    # Double opt-in: the hash of the confirmation link's token, emptied once confirmed.
    confirm_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)

    participant = so.relationship("Participant")
    theme = so.relationship("Theme")
    event = so.relationship("Event")

    @property
    def is_current(self) -> bool:
        return self.given_at is not None and self.withdrawn_at is None


class ConsentLink(db.Model):
    """The hash of a one-click withdrawal link's token for one consent (in each newsletter or
    work-team update): it can withdraw that consent and nothing else."""

    __tablename__ = "consent_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consent_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("consents.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    """One action by an organiser or admin on personal data. It names people only by id (a
    registration, a participant), so the log holds no personal data of its own beyond who
    acted; `on_request_of` says whose request an admin acted on (e.g. "e-mail van 3 maart")."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_action_at", "action", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept when the account goes, so the log still says who it was.
    user_name: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", info={"personal": True}
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    registration_id: so.Mapped[int | None] = so.mapped_column()
    participant_id: so.Mapped[int | None] = so.mapped_column()
    # What exactly, in a few words without personal data ("47 rijen", "bericht #3").
    detail: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    on_request_of: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", info={"personal": True}
    )

    user = so.relationship("User")
    event = so.relationship("Event")
