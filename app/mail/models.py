from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.timezones import UTCDateTime, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; an organiser can see and resend it
    # Composed after its change (see `composer`) and found no longer true by then: a later
    # message (a promotion, a cancellation) tells the person what is.
    SUPERSEDED = "superseded"


class OutboxMessage(db.Model):
    """One e-mail, rendered completely when it was queued, so that what it says is what was
    true at that moment, whenever it is delivered. A message queued with a `composer` is
    written in its change's transaction with no text yet, and rendered right after that
    commit, before it is sent (app/mail/composing.py): the row is the promise, kept even if
    the process stops in between."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'superseded')", name="status_known"
        ),
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254), info={"personal": True})
    subject: so.Mapped[str] = so.mapped_column(sa.String(300), info={"personal": True})
    text_body: so.Mapped[str] = so.mapped_column(sa.Text, info={"personal": True})
    html_body: so.Mapped[str] = so.mapped_column(sa.Text, info={"personal": True})
    calendar: so.Mapped[str | None] = so.mapped_column(
        sa.Text, info={"personal": True}
    )  # an iCalendar object
    calendar_method: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # Answers go to the event's contact, not to the no-reply sender.
    reply_to: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    # Bulk messages (an organiser's group message) carry List-Id and List-Unsubscribe.
    list_id: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    unsubscribe_url: so.Mapped[str] = so.mapped_column(
        sa.String(500), default="", info={"personal": True}
    )
    # A check-in QR shown in the HTML (an inline PNG drawn from this URL at sending).
    qr_url: so.Mapped[str] = so.mapped_column(sa.String(300), default="", info={"personal": True})
    message_id: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    # One of an organiser's group messages (registration.models.GroupMessage), if it is.
    group_message_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("group_messages.id", ondelete="SET NULL"), index=True
    )
    # Who renders it after the commit (a name in app/mail/composing.py); "" once rendered.
    composer: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    # What that composer needs that the database will no longer say after the commit (which
    # of a release's changes concern this person); None once rendered.
    composer_input: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=OutboxStatus.PENDING)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
