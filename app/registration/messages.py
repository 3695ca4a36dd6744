"""Messages to many registrants at once: reminders before an event and an organiser's own
message. Each person's mail is a row in the outbox; the worker delivers them."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.programme.models import Event, EventStatus
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus
from app.timezones import utcnow

REMINDER_BEFORE = timedelta(days=2)


def _claim_reminder(registration_id: int, now: datetime) -> bool:
    """Mark one reminder as ours. Two runs at once both try; the row's write lock makes the
    second wait, and it then finds the reminder taken (0 rows): each person is reminded once."""
    table = Registration.__table__
    claimed = db.session.execute(
        table.update()
        .where(table.c.id == registration_id, table.c.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
    ).rowcount
    return claimed == 1


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone with a place at a published event that starts within two days; each
    person once, also when two runs overlap. Run it from cron, e.g. hourly."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Registration)
        .join(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_BEFORE,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminder_sent_at.is_(None),
        )
        .options(so.joinedload(Registration.participant), so.joinedload(Registration.event))
        .order_by(Registration.id)  # one order for every run: no deadlock between two
    ).all()
    sent = 0
    for registration in due:
        if _claim_reminder(registration.id, now):
            notifications.reminder(registration)
            sent += 1
    db.session.flush()
    return sent


AUDIENCES = {
    "all": (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    "confirmed": (RegistrationStatus.CONFIRMED,),
    "waitlisted": (RegistrationStatus.WAITLISTED,),
}


def message_registrants(event: Event, audience: str, subject: str, body: str) -> int:
    """An organiser's own message to everyone registered (or only confirmed, or only waiting)."""
    if audience not in AUDIENCES:
        raise DomainError(_l("Onbekende groep ontvangers."))
    recipients = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(AUDIENCES[audience]))
        .options(so.joinedload(Registration.participant))
    ).all()
    for registration in recipients:
        notifications.organiser_message(registration, subject, body)
    return len(recipients)
