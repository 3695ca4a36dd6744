"""The history of an event's group messages: what was sent, when, by whom, to which audience,
and how far each recipient's mail is — counted from the outbox, the one record of delivery."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.accounts.models import User
from app.agenda.models import Session
from app.errors import NotFoundHere
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.programme.models import Event
from app.registration.models import GroupMessage, Registration


@dataclass
class Delivery:
    """How far the mails of one group message are, counted from the outbox."""

    sent: int = 0
    pending: int = 0  # waiting or being sent
    failed: int = 0


@dataclass
class HistoryEntry:
    message: GroupMessage
    sent_by: str  # the organiser's name; "" if their account is gone
    workshop: str  # the workshop's title, for Audience.WORKSHOP
    delivery: Delivery = field(default_factory=Delivery)


def _delivery_counts(message_ids: list[int]) -> dict[int, Delivery]:
    counts = {message_id: Delivery() for message_id in message_ids}
    rows = db.session.execute(
        sa.select(OutboxMessage.group_message_id, OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.group_message_id.in_(message_ids))
        .group_by(OutboxMessage.group_message_id, OutboxMessage.status)
    )
    for message_id, status, n in rows:
        state = {OutboxStatus.SENT: "sent", OutboxStatus.FAILED: "failed"}.get(status, "pending")
        setattr(counts[message_id], state, getattr(counts[message_id], state) + n)
    return counts


def _entries(query: sa.Select) -> list[HistoryEntry]:
    rows = db.session.execute(
        query.add_columns(User.name, Session.title)
        .outerjoin(User, User.id == GroupMessage.sent_by_id)
        .outerjoin(Session, Session.id == GroupMessage.session_id)
    ).all()
    counts = _delivery_counts([row[0].id for row in rows])
    return [
        HistoryEntry(message, sent_by or "", workshop or "", counts[message.id])
        for message, sent_by, workshop in rows
    ]


def history(event: Event) -> list[HistoryEntry]:
    """The event's group messages, the latest first, each with its delivery counts."""
    return _entries(
        sa.select(GroupMessage)
        .where(GroupMessage.event_id == event.id)
        .order_by(GroupMessage.sent_at.desc(), GroupMessage.id.desc()),
    )


def history_entry(event: Event, message_id: int) -> HistoryEntry:
    found = _entries(
        sa.select(GroupMessage).where(
            GroupMessage.id == message_id, GroupMessage.event_id == event.id
        ),
    )
    if not found:
        raise NotFoundHere()
    return found[0]


def deliveries(message: GroupMessage) -> list[tuple[OutboxMessage, str]]:
    """Each recipient's mail of a group message with the name they registered under, failed
    ones first, then waiting ones, then by address."""
    order = sa.case(
        (OutboxMessage.status == OutboxStatus.FAILED, 0),
        (OutboxMessage.status == OutboxStatus.SENT, 2),
        else_=1,
    )
    return [
        (mail, name or "")
        for mail, name in db.session.execute(
            sa.select(OutboxMessage, Registration.name)
            .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
            .where(OutboxMessage.group_message_id == message.id)
            .order_by(order, OutboxMessage.recipient)
        )
    ]
