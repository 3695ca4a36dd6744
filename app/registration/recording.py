"""A registration written down: the details a person gives on the form, as the columns of
their registration, and a new registration's row in one statement."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.calendar.stamps import event_changed_without_a_flush
from app.extensions import db
from app.inserts import as_object, insert_of
from app.programme.models import Event
from app.registration.models import Participant, Registration, RegistrationStatus
from app.timezones import utcnow


@dataclass
class RegistrationDetails:
    name: str
    email: str
    organisation: str = ""
    function: str = ""
    dietary_needs: str = ""
    register_numbers: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    newsletter: bool = False
    photos: bool = False
    language: str = "nl"


def details_columns(details: RegistrationDetails) -> dict:
    """What the form says about a registration, as its columns (the e-mail address is the
    person)."""
    return {
        "name": details.name.strip(),
        "organisation": details.organisation,
        "function": details.function,
        "dietary_needs": details.dietary_needs,
        "register_numbers": dict(details.register_numbers),
        "answers": dict(details.answers),
    }


def copy_details(registration: Registration, details: RegistrationDetails) -> None:
    for column, value in details_columns(details).items():
        setattr(registration, column, value)


def fill_in(registration: Registration, details: RegistrationDetails) -> None:
    """The whole form, as sent now: the details, the language, the privacy notice seen."""
    copy_details(registration, details)
    registration.language = details.language
    registration.privacy_acknowledged_at = utcnow()


_INSERTED = ("name", "organisation", "function", "dietary_needs", "register_numbers", "answers",
             "event_id", "participant_id", "language", "privacy_acknowledged_at", "status",
             "confirmed_at", "waitlist_position")  # fmt: skip


_NEW_REGISTRATION = as_object(Registration, insert_of(Registration, _INSERTED))  # app/inserts.py


def inserted(event: Event, participant: Participant, details: RegistrationDetails,
             position: int | None) -> Registration:  # fmt: skip
    """A new registration, with a place (`position` None) or on the waiting list, in one
    INSERT … RETURNING rather than through a flush: this runs under the event's lock for
    everyone in a rush, and a flush's bookkeeping took a fifth of the lock's time. The
    event's counters move with the lock (`lock_event_moving_its_places`), or else here."""
    now = utcnow()
    status = RegistrationStatus.CONFIRMED if position is None else RegistrationStatus.WAITLISTED
    columns = {
        **details_columns(details),
        "event_id": event.id,
        "participant_id": participant.id,
        "language": details.language,
        "privacy_acknowledged_at": now,
        "status": status,
        "confirmed_at": now if position is None else None,
        "waitlist_position": position,
    }
    registration = db.session.scalars(_NEW_REGISTRATION, columns).one()
    event_changed_without_a_flush(event.id)
    return registration
