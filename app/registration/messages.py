"""Messages to many registrants at once: reminders before an event and an organiser's own
message. Each person's mail is a row in the outbox; the worker delivers them."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.links import external_url
from app.programme.models import Event, EventStatus
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus
from app.registration.tokens import issue_unsubscribe_token
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


def group_list_id(event: Event) -> str:
    """The List-Id (RFC 2919) of an event's group messages: "<title> <event-<id>.<host>>", the
    title folded to plain ASCII words so the header needs no encoding or quoting."""
    folded = unicodedata.normalize("NFKD", event.title).encode("ascii", "ignore").decode()
    phrase = " ".join(re.sub(r"[^A-Za-z0-9-]+", " ", folded).split())[:80].strip()
    host = urlsplit(current_app.config["BASE_URL"]).hostname or ""
    host = re.sub(r"[^a-z0-9.-]+", "", host).strip(".") or "kennisagenda"
    return f"{phrase or 'Kennisagenda'} <event-{event.id}.{host}>"


def _recipients(event: Event, audience: str):
    if audience not in AUDIENCES:
        raise DomainError(_l("Onbekende groep ontvangers."))
    return sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(AUDIENCES[audience])
    )


def message_registrants(event: Event, audience: str, subject: str, body: str) -> int:
    """An organiser's own message to everyone registered (or only confirmed, or only waiting),
    except those who stopped the group messages; returns how many it was sent to. Each mail
    carries its own unsubscribe link (List-Unsubscribe, and in the footer)."""
    recipients = db.session.scalars(
        _recipients(event, audience)
        .where(Registration.group_messages_stopped_at.is_(None))
        .options(so.joinedload(Registration.participant))
        .order_by(Registration.id)
    ).all()
    list_id = group_list_id(event)
    for registration in recipients:
        token = issue_unsubscribe_token(registration)
        notifications.organiser_message(
            registration, subject, body, list_id=list_id,
            unsubscribe_url=external_url("registration.stop_group_messages", token=token),
        )  # fmt: skip
    return len(recipients)


def group_messages_stopped(event: Event, audience: str) -> int:
    """How many in this audience asked for no more group messages (they are skipped)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _recipients(event, audience)
            .where(Registration.group_messages_stopped_at.is_not(None))
            .subquery()
        )
    )


def stop_group_messages(registration: Registration) -> bool:
    """No more group messages for this registration; confirmations and changes still come.
    Idempotent: True only the first time."""
    if registration.group_messages_stopped_at is not None:
        return False
    registration.group_messages_stopped_at = utcnow()
    db.session.flush()
    return True
