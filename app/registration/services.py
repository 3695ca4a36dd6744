"""The rules of registering: one place per person per event, capacity and the waiting list
as one rule under the event's lock, automatic promotion, and the personal manage link.

Every function that can move places takes the event's lock first (`lock_row`), asks the
lifecycle whether places may move now, counts, and changes in that same transaction; the
caller commits once. Nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.calendar.stamps import lock_event_moving_its_places
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.privacy import audit
from app.programme import lifecycle
from app.programme.models import Event
from app.registration import consents, notifications
from app.registration.models import Participant, Registration, RegistrationStatus
from app.registration.participants import participant_and_whether_new
from app.registration.recording import RegistrationDetails, copy_details, fill_in, inserted
from app.timezones import format_moment, utcnow
from app.waiting_list import WaitingList

# The event's waiting list: registrations per event, by waitlist_position.
WAITLIST = WaitingList(Registration, "event_id", "waitlist_position")


class RegistrationClosed(DomainError):
    pass


class NoPlaceLeft(StateConflict):
    pass


@dataclass
class RegistrationOutcome:
    registration: Registration
    already_registered: bool = False


# --- reading -------------------------------------------------------------------------------


def _count(event_id: int, status: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status == status)
    )


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    counts = {status.value: 0 for status in RegistrationStatus}
    counts.update({status: n for status, n in rows})
    return counts


def has_registrations(event: Event) -> bool:
    """Anyone at all, cancelled included: their mails went out about this event."""
    return bool(db.session.scalar(sa.select(sa.exists().where(Registration.event_id == event.id))))


def seats_left(event: Event) -> int | None:
    """Places still free; None when the event has no limit."""
    if event.capacity is None:
        return None
    return _left(event, _count(event.id, RegistrationStatus.CONFIRMED))


def _left(event: Event, confirmed: int) -> int | None:
    return None if event.capacity is None else max(event.capacity - confirmed, 0)


def registration_closed_reason(event: Event, now: datetime | None = None):
    """Why registering is not possible now, in words for the visitor; None when it is."""
    now = now or utcnow()
    phase = lifecycle.phase(event, now)
    if phase == lifecycle.Phase.DRAFT:
        return _l("Aanmelden is nog niet mogelijk.")
    if phase == lifecycle.Phase.CANCELLED:
        return _l("Deze activiteit is geannuleerd; aanmelden kan niet meer.")
    if phase in (lifecycle.Phase.STARTED, lifecycle.Phase.OVER):
        return _l("Deze activiteit is al begonnen of voorbij; aanmelden kan niet meer.")
    if event.registration_opens_at and now < event.registration_opens_at:
        language = str(get_locale() or "nl")
        return _l(
            "Aanmelden kan vanaf %(when)s.",
            when=format_moment(event.registration_opens_at, language),
        )
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Aanmelden is gesloten.")
    return None


def active_registrations(event: Event) -> list[Registration]:
    """Everyone with a place or on the waiting list."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .options(so.joinedload(Registration.participant))
            .order_by(Registration.id)
        )
    )


# --- the waiting list ----------------------------------------------------------------------


def _set_status(registration: Registration, status: str) -> None:
    """Change status; someone leaving the waiting list leaves no gap behind."""
    position = registration.waitlist_position
    registration.status = status
    registration.waitlist_position = None
    db.session.flush()
    if position is not None:
        WAITLIST.close_gap(registration.event_id, position)


def _confirm(registration: Registration) -> None:
    registration.confirmed_at = utcnow()
    _set_status(registration, RegistrationStatus.CONFIRMED)


def promote_from_waitlist(event: Event) -> list[Registration]:
    """Fill free places from the front of the waiting list and tell each person promoted.
    Nobody is promoted into a draft, cancelled, started or past event. The caller holds the
    event's lock."""
    promoted = []
    if not lifecycle.places_may_move(event):
        return promoted
    while event.capacity is None or _count(event.id, RegistrationStatus.CONFIRMED) < event.capacity:
        first = WAITLIST.first(event.id)
        if first is None:
            break
        _confirm(first)
        notifications.promoted(first)
        promoted.append(first)
    return promoted


# --- registering ---------------------------------------------------------------------------


def tell_registered(registration: Registration) -> None:
    """The mail for a new registration: a place, or a spot on the waiting list (composed after
    the commit, with the workshops as they stand then: app/activity/mails.py)."""
    notifications.registered(registration)


def person_for(details: RegistrationDetails) -> tuple[Participant, bool]:
    """The person registering, found or created, and whether they are new — before the event's
    lock is taken, so the lock is held only to decide. In the same transaction, so a refused
    registration leaves no person behind. Always before the lock: a transaction that took an
    event's lock and then waited for a person another one is creating (the same address sent
    twice at once) while that one waits for the lock would deadlock."""
    return participant_and_whether_new(details.email, details.name.strip())


def register(
    event_id: int, details: RegistrationDetails, *, tell: bool = True, at_desk: bool = False,
    by_organiser: bool = False, person: tuple[Participant, bool] | None = None,
) -> RegistrationOutcome:  # fmt: skip
    """A place if one is left and nobody waits for it, else the end of the waiting list; one
    registration per person.

    The same e-mail address again changes nothing and gets no second place: the person (the
    owner of the address, who may not be whoever filled in the form) is sent their link again.
    `tell=False`: the caller sends the mail for a new registration (`tell_registered`), e.g.
    once the workshops are decided too. `at_desk`: a walk-in on the day, registered by the
    desk after the form has closed (even once the event started); they get a place or
    nothing, never the waiting list, and someone registered already is not mailed again.
    `by_organiser`: added by hand, also outside the form's opening hours (by_hand.py checks
    the event's phase). `person`: `person_for(details)`, which every caller that takes the
    event's lock itself passes (the form, the desk, an organiser's addition; made under a lock
    it could deadlock with a post of the same address — tests/registration/test_participant.py).
    Setting up several registrations in one transaction (the demo data, tests) may leave it out."""
    participant, new_person = person or person_for(details)
    event = lock_event_moving_its_places(event_id)
    if event is None:
        raise NotFoundHere()
    if at_desk:
        lifecycle.ensure_desk_may_seat(event)
    elif by_organiser:
        lifecycle.ensure_places_may_move(event)
    else:
        reason = registration_closed_reason(event)
        if reason is not None:
            raise RegistrationClosed(reason)

    registration = None
    if not new_person:
        registration = db.session.scalar(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.participant_id == participant.id
            )
        )
    if registration is not None and not registration.is_cancelled:
        if not at_desk:
            notifications.manage_link_again(registration)
        return RegistrationOutcome(registration, already_registered=True)

    # Count before the new row exists, so the count is of the others.
    left, position = _places_and_newcomer_position(event)
    has_place = position is None
    if at_desk and not (left is None or left > 0):
        raise NoPlaceLeft(_l("Er is geen plaats meer vrij."))
    if registration is None:
        registration = inserted(event, participant, details, position)
    else:  # a cancelled registration taken up again starts afresh (by_hand sets these after)
        registration.cancelled_at = registration.cancelled_by = None
        registration.entered_by_id, registration.beyond_capacity = None, False
        fill_in(registration, details)
        if has_place:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = utcnow()
            registration.waitlist_position = None
        else:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlist_position = position
        db.session.flush()
    consents.record_from_form(registration, newsletter=details.newsletter, photos=details.photos)
    if tell:
        tell_registered(registration)
    return RegistrationOutcome(registration)


def update_details(registration: Registration, details: RegistrationDetails) -> Registration:
    """Corrections through the manage link: name and details, not the e-mail address."""
    lifecycle.ensure_details_may_change(registration.event)
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is geannuleerd."))
    copy_details(registration, details)
    # Their own link: the person themselves, so their record takes the corrected name too.
    registration.participant.name = registration.name
    db.session.flush()
    return registration


def newcomer_position(event: Event) -> int | None:
    """What a new registration gets now (the rule `register` applies): None for a place,
    else its place at the end of the waiting list."""
    return _places_and_newcomer_position(event)[1]


_PLACES_AND_LAST_WAITING = sa.select(
    sa.func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
    sa.func.max(Registration.waitlist_position),
).where(Registration.event_id == sa.bindparam("event_id"))


def _places_and_newcomer_position(event: Event) -> tuple[int | None, int | None]:
    """Places left (None: no limit) and what a newcomer gets: None for a place, else the
    position after the last waiting — a place only while nobody waits for one. One query:
    under a rush this runs under the event's lock for every registration."""
    # Through the session's connection (the ORM adds nothing to two numbers), one statement
    # built once: a tenth of the lock's time went into building and running it through the ORM.
    # A connection does not flush by itself: flush first, so this transaction's own changes count.
    db.session.flush()
    confirmed, last_waiting = (
        db.session.connection().execute(_PLACES_AND_LAST_WAITING, {"event_id": event.id}).one()
    )
    left = _left(event, confirmed)
    if (left is None or left > 0) and last_waiting is None:
        return left, None
    return left, (last_waiting or 0) + 1


def position_to_show(outcome: RegistrationOutcome) -> int | None:
    """The status the confirmation page shows (None: a place). For an address registered
    already it is what a new registration would have got, so that the page looks the same
    either way and tells nobody whether an address is known; their mail has the truth."""
    if outcome.already_registered:
        return newcomer_position(outcome.registration.event)
    return outcome.registration.waitlist_position


def locked(registration_id: int) -> tuple[Registration, Event]:
    """The registration, re-read after its event's lock is taken (so its status is current)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    event = lock_row(Event, registration.event_id)
    db.session.refresh(registration)
    return registration, event


def cancel(registration_id: int, *, by: str) -> Registration:
    """Cancel a place or a spot on the waiting list (`by` is 'attendee' or 'organiser').
    A freed place goes to the first on the waiting list, in the same transaction. Workshop
    places are the agenda's: `activity.services.cancel_registration` frees those too."""
    registration, event = locked(registration_id)
    lifecycle.ensure_places_may_move(event)
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is al geannuleerd."))
    had_place = registration.is_confirmed
    registration.cancelled_at = utcnow()
    registration.cancelled_by = by
    _set_status(registration, RegistrationStatus.CANCELLED)
    notifications.cancelled(registration, had_place=had_place)
    if had_place:
        promote_from_waitlist(event)
    return registration


def promote_by_hand(registration_id: int, *, by: User | None = None) -> Registration:
    """An organiser (`by`, in the audit log) gives a waiting person a place, even when that
    goes over capacity."""
    registration, event = locked(registration_id)
    lifecycle.ensure_places_may_move(event)
    if not registration.is_waitlisted:
        raise StateConflict(_l("Alleen iemand op de wachtlijst kan een plaats krijgen."))
    position = registration.waitlist_position
    left = seats_left(event)
    registration.beyond_capacity = left is not None and left <= 0  # recorded, as by hand
    _confirm(registration)
    notifications.promoted(registration)
    if by is not None:
        beyond = ", boven de capaciteit" if registration.beyond_capacity else ""
        audit.record(audit.Action.REGISTRATION_CHANGED, by=by, registration=registration,
                     detail=f"plaats gegeven (was {position} op de wachtlijst{beyond})")  # fmt: skip
    return registration


def seat_at_desk(registration_id: int) -> Registration:
    """Someone from the waiting list turns up on the day and a place is free (nobody is
    promoted automatically once an event has started): the desk gives it, within capacity."""
    registration, event = locked(registration_id)
    lifecycle.ensure_desk_may_seat(event)
    if not registration.is_waitlisted:
        raise StateConflict(_l("Alleen iemand op de wachtlijst kan een plaats krijgen."))
    left = seats_left(event)
    if left is not None and left <= 0:
        raise NoPlaceLeft(_l("Er is geen plaats meer vrij."))
    _confirm(registration)
    notifications.promoted(registration)
    return registration


def move_on_waitlist(
    registration_id: int, position: int, *, by: User | None = None
) -> Registration:
    """An organiser (`by`, in the audit log) moves someone to `position` on the waiting list;
    the others close up."""
    registration, event = locked(registration_id)
    lifecycle.ensure_places_may_move(event)
    if not registration.is_waitlisted:
        raise StateConflict(_l("Deze persoon staat niet op de wachtlijst."))
    before = registration.waitlist_position
    WAITLIST.move(registration, position)
    if by is not None:
        audit.record(audit.Action.REGISTRATION_CHANGED, by=by, registration=registration,
                     detail=f"wachtlijst: van plaats {before} naar {registration.waitlist_position}")  # fmt: skip
    return registration


# --- telling everyone about the event ------------------------------------------------------


def tell_event_cancelled(event: Event) -> None:
    for registration in active_registrations(event):
        notifications.event_cancelled(registration)


def tell_event_changed(event: Event, changes: dict) -> None:
    for registration in active_registrations(event):
        notifications.event_changed(registration, changes)
