"""Keeping personal data no longer than the privacy statement promises."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.calendar.models import FeedToken
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme.models import Event
from app.registration.models import Participant, Registration
from app.timezones import utcnow


def purge_expired(retention: timedelta, now: datetime | None = None) -> dict[str, int]:
    """Registrations are deleted once their event ended longer ago than `retention`; so are
    their mails whatever their state (a pending or failed one holds a name, an address and a
    live link just as a sent one does), the people left without any registration, and any mail
    older than that. Run it from cron, e.g. daily."""
    cutoff = (now or utcnow()) - retention
    expired = db.session.scalars(
        sa.select(Registration).join(Event).where(Event.ends_at < cutoff)
    ).all()
    ids = [r.id for r in expired]
    mails = 0
    if ids:
        mails += db.session.execute(
            sa.delete(OutboxMessage).where(OutboxMessage.registration_id.in_(ids))
        ).rowcount
    for registration in expired:  # through the ORM: tokens and choices go along, on SQLite too
        db.session.delete(registration)
    db.session.flush()
    leaving = sa.select(Participant.id).where(~Participant.registrations.any())
    # Their calendar feed links go with them (SQLite enforces no ON DELETE CASCADE).
    db.session.execute(sa.delete(FeedToken).where(FeedToken.participant_id.in_(leaving)))
    orphans = db.session.execute(
        sa.delete(Participant).where(~Participant.registrations.any())
    ).rowcount
    mails += db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.created_at < cutoff)
    ).rowcount
    return {"registrations": len(expired), "participants": orphans, "mails": mails}
