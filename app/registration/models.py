from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.programme.models import Event
from app.timezones import UTCDateTime, utcnow


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


# An anonymised registration's participant: `<registration id>@anoniem.invalid` (.invalid is
# reserved, RFC 2606: no one can own or receive at it); see app/privacy/retention.py.
ANONYMOUS_DOMAIN = "anoniem.invalid"


class Participant(db.Model):
    """A person, known by e-mail address, across events."""

    __tablename__ = "participants"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True, info={"personal": True})
    name: so.Mapped[str] = so.mapped_column(sa.String(120), info={"personal": True})
    # Given when following a work team (Meedoen); a registration keeps its own.
    organisation: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", info={"personal": True}
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    registrations: so.Mapped[list[Registration]] = so.relationship(back_populates="participant")

    @property
    def is_anonymous(self) -> bool:
        """The stand-in of a registration whose person's data was erased or has expired."""
        return self.email.endswith(f"@{ANONYMOUS_DOMAIN}")


class Registration(db.Model):
    """A participant's place at an event (or on its waiting list)."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint(
            "event_id", "participant_id", name="uq_registrations_event_participant"
        ),
        # No duplicate positions; the services keep them gapless (1…n).
        sa.UniqueConstraint(
            "event_id", "waitlist_position", name="uq_registrations_event_position"
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"
        ),
        sa.CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
            name="position_only_when_waiting",
        ),
        sa.CheckConstraint(
            "waitlist_position IS NULL OR waitlist_position >= 1", name="position_positive"
        ),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True, info={"personal": True}
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    waitlist_position: so.Mapped[int | None] = so.mapped_column()
    # The name given with this registration. The person's own record is not renamed by a form
    # anyone can fill in with their address; mails and lists use this name.
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="", info={"personal": True})
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="nl", info={"personal": True})
    organisation: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", info={"personal": True}
    )
    function: so.Mapped[str] = so.mapped_column(sa.String(200), default="", info={"personal": True})
    register_numbers: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, info={"personal": True}
    )
    dietary_needs: so.Mapped[str] = so.mapped_column(
        sa.String(500), default="", info={"personal": True}
    )
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict, info={"personal": True})
    # When the privacy statement was acknowledged; consents are records (privacy.Consent).
    privacy_acknowledged_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # The last iCalendar SEQUENCE this person was sent, so each update they get is higher.
    ical_sequence: so.Mapped[int] = so.mapped_column(default=-1)
    reminder_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Unsubscribed (List-Unsubscribe, RFC 8058) from the organisers' group messages of this
    # event; what the registration itself needs (confirmations, changes) still comes.
    group_messages_stopped_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_by: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # Added by an organiser (a phone or e-mail sign-up), and whether they chose to let it
    # exceed the event's capacity: both recorded, so the list can say so.
    entered_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    beyond_capacity: so.Mapped[bool] = so.mapped_column(default=False)

    event: so.Mapped[Event] = so.relationship()
    participant: so.Mapped[Participant] = so.relationship(back_populates="registrations")
    manage_tokens: so.Mapped[list[ManageToken]] = so.relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def online_link(self) -> str | None:
        """The online meeting's link, for someone with a place at an event that goes on; never
        shown publicly (mails, invitations, their feed and their manage page only)."""
        url = self.event.online_url or ""
        if (
            self.is_confirmed
            and not self.event.is_cancelled
            and url.startswith(("https://", "http://"))
        ):
            return url
        return None

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED


class Question(db.Model):
    """An event's own question on the registration form."""

    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('text', 'choice', 'yes_no')", name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.String(300))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default=QuestionKind.TEXT)
    options: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    required: so.Mapped[bool] = so.mapped_column(default=False)
    position: so.Mapped[int] = so.mapped_column(default=0)


class ManageToken(db.Model):
    """A personal link to a registration. Each mail that carries a link gets its own random
    token; only its SHA-256 is stored. Links stay valid until revoked."""

    __tablename__ = "manage_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(
        sa.String(64), unique=True, info={"personal": True}
    )
    # "manage" opens the registration; "unsubscribe" can only stop the group messages (it
    # travels in a List-Unsubscribe header, which mail providers fetch and may log).
    purpose: so.Mapped[str] = so.mapped_column(sa.String(16), default="manage")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    registration: so.Mapped[Registration] = so.relationship(back_populates="manage_tokens")


class GroupMessage(db.Model):
    """A message an organiser sent to an audience of one event: the history, each recipient's
    mail in the outbox (OutboxMessage.group_message_id) with its delivery state."""

    __tablename__ = "group_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    audience: so.Mapped[str] = so.mapped_column(sa.String(40))
    session_id: so.Mapped[int | None] = so.mapped_column()  # the workshop, for its participants
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    recipients: so.Mapped[int] = so.mapped_column(default=0)
    sent_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
