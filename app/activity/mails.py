"""The mail for a new registration, composed after the commit of the decision (see
app/mail/composing.py): the place or the waiting list as it stands then, with the workshops."""

from __future__ import annotations

import sqlalchemy as sa

from app.agenda import notifications as agenda_notifications
from app.agenda.choices import ChoiceOutcome, choices_of
from app.agenda.models import ChoiceStatus
from app.agenda.reading import event_rondes
from app.extensions import db
from app.mail.composing import composer
from app.mail.models import OutboxMessage
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus

# What the row was queued for, decided under the lock.
_STATUS_OF_KIND = {"registration_confirmed": RegistrationStatus.CONFIRMED,
                   "registration_waitlisted": RegistrationStatus.WAITLISTED}  # fmt: skip


def _overtaken(message: OutboxMessage, registration: Registration | None) -> bool:
    """No longer true, or said again by a newer row: erased, cancelled (the registration or
    the event), moved up, or registered afresh after a cancellation."""
    if registration is None or registration.event.is_cancelled:
        return True
    if registration.status != _STATUS_OF_KIND[message.kind]:
        return True
    newer = sa.select(OutboxMessage.id).where(
        OutboxMessage.registration_id == registration.id,
        OutboxMessage.composer == notifications.REGISTERED,
        OutboxMessage.id > message.id,
    )
    return db.session.scalar(newer.limit(1)) is not None


@composer(notifications.REGISTERED)
def registered(message: OutboxMessage) -> dict | None:
    registration = db.session.get(Registration, message.registration_id or 0)
    if _overtaken(message, registration):
        return None  # the later change's own mail says what is
    choices = choices_of(registration)
    workshops = None
    if choices:
        workshops = ChoiceOutcome(
            [c.session for c in choices if c.status == ChoiceStatus.CONFIRMED],
            [c.session for c in choices if c.status == ChoiceStatus.WAITLISTED],
        )
    more = agenda_notifications.chosen_workshops(
        workshops, bool(event_rondes(registration.event)), registration.is_confirmed
    )
    if registration.is_confirmed:
        return notifications.confirmed(registration, more)
    return notifications.waitlisted(registration, more)
