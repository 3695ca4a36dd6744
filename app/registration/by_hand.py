"""Registrations an organiser adds by hand: someone who phoned or e-mailed. The public form's
rules apply, under the same event lock (its fields, its lifecycle and opening hours, one
registration per address, the waiting list when full), with two choices of the organiser's
own: a place even when the event is full (recorded on the registration as beyond capacity),
and whether the person is mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.agenda import choices as agenda_choices
from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.privacy import audit
from app.programme import lifecycle
from app.programme.models import Event
from app.registration import services
from app.registration.models import Participant, Registration, RegistrationStatus
from app.registration.services import RegistrationDetails
from app.timezones import utcnow


class AddingRefused(StateConflict):
    """The event is in no state to take a registration; `description` says why and what to do."""


# In the organiser's words: what is wrong, and where the person can go instead.
_REFUSED = {
    lifecycle.Phase.DRAFT: _l("Deze activiteit is nog een concept. Publiceer haar eerst; daarna kunt u mensen aanmelden."),
    lifecycle.Phase.CANCELLED: _l("Deze activiteit is geannuleerd; aanmelden kan niet meer."),
    lifecycle.Phase.STARTED: _l("Deze activiteit is al begonnen. Wie nu nog komt, meldt u aan de balie aan als binnenloper."),
    lifecycle.Phase.OVER: _l("Deze activiteit is voorbij; aanmelden kan niet meer."),
}  # fmt: skip


def refusal_reason(event: Event, now: datetime | None = None):
    """Why nobody can be added now; None when they can. The form's opening and closing dates
    are for the public: an organiser takes a late phone sign-up after the form has closed."""
    return _REFUSED.get(lifecycle.phase(event, now))


@dataclass
class ByHandOutcome:
    registration: Registration
    already_registered: bool = False  # this address was registered already: nothing changed
    beyond_capacity: bool = False
    mailed: bool = False


def _active_registration(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration)
        .join(Participant)
        .where(
            Registration.event_id == event.id,
            Participant.email == email.strip().lower(),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def _seat_beyond_capacity(registration: Registration) -> None:
    """The organiser's explicit choice: a place for someone the rule put at the end of the
    waiting list. Nobody ahead of them loses a place or a position."""
    position = registration.waitlist_position
    registration.status = RegistrationStatus.CONFIRMED
    registration.waitlist_position = None
    registration.confirmed_at = utcnow()
    registration.beyond_capacity = True
    db.session.flush()
    services.WAITLIST.close_gap(registration.event_id, position)


def _added_detail(registration: Registration, mailed: bool) -> str:
    if registration.beyond_capacity:
        place = "plaats boven de capaciteit"
    elif registration.is_confirmed:
        place = "plaats"
    else:
        place = f"wachtlijst, plaats {registration.waitlist_position}"
    return f"met de hand: {place}; {'bevestiging gemaild' if mailed else 'niet gemaild'}"


def add_by_hand(
    event_id: int,
    details: RegistrationDetails,
    session_ids: list[int],
    *,
    by: User,
    beyond_capacity: bool = False,
    tell: bool = True,
) -> ByHandOutcome:
    """Register someone for `event_id` on their behalf: a place if one is left and nobody
    waits, else the end of the waiting list — or, with `beyond_capacity`, a place anyway.
    Workshops as on the public form (once they have a place). `tell`: the person gets the
    usual confirmation or waiting-list mail. An address registered already changes nothing
    and is not mailed. The caller commits."""
    person = services.person_for(details)  # before the lock, as every registration
    event = lock_row(Event, event_id)
    if event is None:
        raise NotFoundHere()
    reason = refusal_reason(event)
    if reason is not None:
        raise AddingRefused(reason)
    existing = _active_registration(event, details.email)
    if existing is not None:
        return ByHandOutcome(existing, already_registered=True)
    agenda_choices.check_choice(event, session_ids)

    registration = services.register(event.id, details, tell=False, by_organiser=True,
                                      person=person).registration  # fmt: skip
    registration.entered_by_id = by.id
    registration.beyond_capacity = False
    if beyond_capacity and registration.is_waitlisted:
        _seat_beyond_capacity(registration)
    db.session.flush()  # stored before choosing workshops re-reads the registration
    if session_ids and registration.is_confirmed:
        agenda_choices.choose_workshops(registration, session_ids)
    if tell:
        services.tell_registered(registration)  # with its workshops: activity/mails.py
    audit.record(audit.Action.REGISTRATION_ADDED, by=by, registration=registration,
                 detail=_added_detail(registration, tell))  # fmt: skip
    return ByHandOutcome(registration, beyond_capacity=registration.beyond_capacity, mailed=tell)
