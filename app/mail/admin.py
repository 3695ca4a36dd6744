"""An event's mail as its organisers see it: how much has gone out, what has not arrived yet
and why, and sending failed messages again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import hand_on_after_commit
from app.programme.models import Event
from app.timezones import utcnow

LISTED = 200  # undelivered messages shown at most; the counts give the rest

UNDELIVERED = (OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.SENDING)


def status_counts(event: Event) -> dict[str, int]:
    """Messages about the event per status, every status present (zero if none)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.event_id == event.id)
        .group_by(OutboxMessage.status)
    )
    return {str(status): 0 for status in OutboxStatus} | dict(rows.all())


def undelivered(event: Event, limit: int = LISTED) -> list[OutboxMessage]:
    """Failed messages first, then those still waiting, oldest first within each."""
    failed_first = sa.case((OutboxMessage.status == OutboxStatus.FAILED, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.event_id == event.id, OutboxMessage.status.in_(UNDELIVERED))
            .order_by(failed_first, OutboxMessage.id)
            .limit(limit)
        )
    )


def _reset_failed(*conditions) -> list[int]:
    # One conditional UPDATE: two organisers resending at once reset a message only once, and
    # a message that another sender has just delivered is never made pending again.
    table = OutboxMessage.__table__
    rows = db.session.execute(
        table.update()
        .where(table.c.status == OutboxStatus.FAILED, *conditions)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        .returning(table.c.id)
    )
    ids = sorted(rows.scalars())
    hand_on_after_commit(ids)
    return ids


def resend(event: Event, message_id: int) -> OutboxMessage:
    """Send a failed message about the event again, once the transaction commits."""
    message = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.event_id == event.id
        )
    )
    if message is None:
        raise NotFoundHere()
    if not _reset_failed(OutboxMessage.__table__.c.id == message.id):
        raise StateConflict(
            _l("Dit bericht is niet mislukt: het is verstuurd of wordt nog verstuurd.")
        )
    return message


def resend_failed(event: Event) -> int:
    """Send every failed message about the event again; how many that is."""
    return len(_reset_failed(OutboxMessage.__table__.c.event_id == event.id))
