"""The mail for a new registration, composed after the commit of the decision (see
app/mail/composing.py): the place or the waiting list as it stands then, with the workshops."""

from __future__ import annotations

from app.agenda import notifications as agenda_notifications
from app.agenda.choices import ChoiceOutcome, choices_of
from app.agenda.models import ChoiceStatus
from app.agenda.reading import event_rondes
from app.extensions import db
from app.mail.composing import composer
from app.mail.models import OutboxMessage
from app.registration import notifications
from app.registration.models import Registration

_FOR = {"registration_confirmed": "is_confirmed", "registration_waitlisted": "is_waitlisted"}


@composer(notifications.REGISTERED)
def registered(message: OutboxMessage) -> dict | None:
    registration = db.session.get(Registration, message.registration_id or 0)
    if registration is None or not getattr(registration, _FOR[message.kind]):
        return None  # erased, cancelled, or moved up since: a later mail says what is
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
