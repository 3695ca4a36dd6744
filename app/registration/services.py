"""The rules of registering: one place per person per event, capacity and the waiting list
as one rule under the event's lock, automatic promotion, and the personal manage link.

Every function that can move places takes the event's lock first (`lock_row`), counts, and
changes in that same transaction; the caller commits once. Nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme import signals
from app.programme.models import Event, EventStatus
from app.programme.services import ensure_can_manage
from app.registration import notifications
from app.registration import signals as registration_signals
from app.registration.models import (
    Participant,
    Question,
    Registration,
    RegistrationStatus,
)
from app.registration.tokens import issue_manage_token, registration_by_token  # noqa: F401
from app.timezones import format_moment, utcnow
from app.waiting_list import WaitingList

# The event's waiting list: registrations per event, by waitlist_position.
WAITLIST = WaitingList(Registration, "event_id", "waitlist_position")


class RegistrationClosed(DomainError):
    pass


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


def seats_left(event: Event) -> int | None:
    """Places still free; None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - _count(event.id, RegistrationStatus.CONFIRMED), 0)


def questions_for(event: Event) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id)
            .order_by(Question.position, Question.id)
        )
    )


def registration_closed_reason(event: Event, now: datetime | None = None):
    """Why registering is not possible now, in words for the visitor; None when it is."""
    now = now or utcnow()
    if event.status == EventStatus.DRAFT:
        return _l("Aanmelden is nog niet mogelijk.")
    if event.is_cancelled:
        return _l("Deze activiteit is geannuleerd; aanmelden kan niet meer.")
    if now >= event.starts_at:
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
    The caller holds the event's lock."""
    promoted = []
    while event.capacity is None or _count(event.id, RegistrationStatus.CONFIRMED) < event.capacity:
        first = WAITLIST.first(event.id)
        if first is None:
            break
        _confirm(first)
        notifications.promoted(first)
        promoted.append(first)
    return promoted


# --- registering ---------------------------------------------------------------------------


def _participant(email: str, name: str) -> Participant:
    email = email.strip().lower()
    participant = db.session.scalar(sa.select(Participant).where(Participant.email == email))
    if participant is None:
        try:
            # Two events' registrations may create the same person at once: the loser reads.
            with db.session.begin_nested():
                participant = Participant(email=email, name=name)
                db.session.add(participant)
        except IntegrityError:
            participant = db.session.scalar(
                sa.select(Participant).where(Participant.email == email)
            )
    participant.name = name
    return participant


def _apply(registration: Registration, details: RegistrationDetails) -> None:
    registration.organisation = details.organisation
    registration.function = details.function
    registration.dietary_needs = details.dietary_needs
    registration.register_numbers = dict(details.register_numbers)
    registration.answers = dict(details.answers)
    registration.language = details.language
    now = utcnow()
    registration.privacy_acknowledged_at = now
    registration.newsletter_consent_at = now if details.newsletter else None
    registration.photo_consent_at = now if details.photos else None


def register(event_id: int, details: RegistrationDetails) -> RegistrationOutcome:
    """A place if one is left, else the end of the waiting list; one registration per person.

    The same e-mail address again gets no second place: the person is sent their link again."""
    event = lock_row(Event, event_id)
    if event is None:
        raise NotFoundHere()
    reason = registration_closed_reason(event)
    if reason is not None:
        raise RegistrationClosed(reason)

    participant = _participant(details.email, details.name.strip())
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.participant_id == participant.id
        )
    )
    if registration is not None and not registration.is_cancelled:
        notifications.manage_link_again(registration)
        return RegistrationOutcome(registration, already_registered=True)

    # Count before the new row exists, so the count is of the others.
    left = seats_left(event)
    has_place = left is None or left > 0
    position = None if has_place else WAITLIST.last(event.id) + 1
    if registration is None:
        registration = Registration(event=event, participant=participant)
        db.session.add(registration)
    registration.cancelled_at = registration.cancelled_by = None
    _apply(registration, details)
    if has_place:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = utcnow()
        registration.waitlist_position = None
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = position
    db.session.flush()
    if has_place:
        notifications.confirmed(registration)
    else:
        notifications.waitlisted(registration)
    return RegistrationOutcome(registration)


def update_details(registration: Registration, details: RegistrationDetails) -> Registration:
    """Corrections through the manage link: name and details, not the e-mail address."""
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is geannuleerd."))
    registration.participant.name = details.name.strip()
    registration.organisation = details.organisation
    registration.function = details.function
    registration.dietary_needs = details.dietary_needs
    registration.register_numbers = dict(details.register_numbers)
    registration.answers = dict(details.answers)
    db.session.flush()
    return registration


def _locked(registration_id: int) -> tuple[Registration, Event]:
    """The registration, re-read after its event's lock is taken (so its status is current)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    event = lock_row(Event, registration.event_id)
    db.session.refresh(registration)
    return registration, event


def cancel(registration_id: int, *, by: str) -> Registration:
    """Cancel a place or a spot on the waiting list (`by` is 'attendee' or 'organiser').
    A freed place goes to the first on the waiting list, in the same transaction."""
    registration, event = _locked(registration_id)
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is al geannuleerd."))
    had_place = registration.is_confirmed
    registration.cancelled_at = utcnow()
    registration.cancelled_by = by
    _set_status(registration, RegistrationStatus.CANCELLED)
    registration_signals.registration_cancelled.send(registration)
    notifications.cancelled(registration, had_place=had_place)
    if had_place:
        promote_from_waitlist(event)
    return registration


def promote_by_hand(registration_id: int) -> Registration:
    """An organiser gives a waiting person a place, even when that goes over capacity."""
    registration, _event = _locked(registration_id)
    if not registration.is_waitlisted:
        raise StateConflict(_l("Alleen iemand op de wachtlijst kan een plaats krijgen."))
    _confirm(registration)
    notifications.promoted(registration)
    return registration


def move_on_waitlist(registration_id: int, position: int) -> Registration:
    """An organiser moves someone to `position` on the waiting list; the others close up."""
    registration, _event = _locked(registration_id)
    if not registration.is_waitlisted:
        raise StateConflict(_l("Deze persoon staat niet op de wachtlijst."))
    WAITLIST.move(registration, position)
    return registration


# --- what the programme announces ----------------------------------------------------------


def _active_registrations(event: Event) -> list[Registration]:
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


@signals.capacity_raised.connect
def _on_capacity_raised(event: Event) -> None:
    promote_from_waitlist(event)


@signals.event_cancelled.connect
def _on_event_cancelled(event: Event) -> None:
    for registration in _active_registrations(event):
        notifications.event_cancelled(registration)


@signals.event_rescheduled.connect
def _on_event_rescheduled(event: Event, changes: dict) -> None:
    for registration in _active_registrations(event):
        notifications.event_changed(registration, changes)


# --- reminders and messages ----------------------------------------------------------------

REMINDER_BEFORE = timedelta(days=2)


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone with a place at a published event that starts within two days; each
    person once. Run it from cron, e.g. hourly."""
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
    ).all()
    for registration in due:
        registration.reminder_sent_at = now
        notifications.reminder(registration)
    db.session.flush()
    return len(due)


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


# --- the event's own questions -------------------------------------------------------------


def add_question(
    event: Event, text: str, kind: str, options: list[str], required: bool
) -> Question:
    position = (
        db.session.scalar(
            sa.select(sa.func.max(Question.position)).where(Question.event_id == event.id)
        )
        or 0
    )
    question = Question(
        event_id=event.id,
        text=text.strip(),
        kind=kind,
        options=options if kind == "choice" else [],
        required=required,
        position=position + 1,
    )
    db.session.add(question)
    db.session.flush()
    return question


@signals.event_duplicated.connect
def _copy_questions(event: Event, copy: Event, shift) -> None:
    for question in questions_for(event):
        add_question(copy, question.text, question.kind, list(question.options), question.required)


def remove_question(event: Event, question_id: int) -> None:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFoundHere()
    db.session.delete(question)
    db.session.flush()


def registrations_for(
    event: Event, status: str | None = None, search: str = ""
) -> list[Registration]:
    """The organiser's list: places first, then the waiting list in order, then cancellations."""
    query = (
        sa.select(Registration)
        .join(Participant)
        .where(Registration.event_id == event.id)
        .options(so.contains_eager(Registration.participant))
    )
    if status:
        query = query.where(Registration.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Participant.name).like(pattern),
                sa.func.lower(Participant.email).like(pattern),
                sa.func.lower(Registration.organisation).like(pattern),
            )
        )
    order = sa.case(
        (Registration.status == RegistrationStatus.CONFIRMED, 0),
        (Registration.status == RegistrationStatus.WAITLISTED, 1),
        else_=2,
    )
    return list(
        db.session.scalars(
            query.order_by(order, Registration.waitlist_position, Registration.created_at)
        )
    )


def managed_registration(user, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    ensure_can_manage(user, registration.event)
    return registration


# --- keeping data no longer than promised ----------------------------------------------------


def purge_expired(retention: timedelta, now: datetime | None = None) -> dict[str, int]:
    """What the privacy statement promises: registrations are deleted once their event ended
    longer ago than `retention`; so are people with no registration left, and sent mail older
    than that (it holds names and links). Run it from cron, e.g. daily."""
    from app.mail.models import OutboxMessage

    cutoff = (now or utcnow()) - retention
    expired = db.session.scalars(
        sa.select(Registration).join(Event).where(Event.ends_at < cutoff)
    ).all()
    ids = [r.id for r in expired]
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(ids))
            .values(registration_id=None)
        )
    for registration in expired:  # through the ORM: tokens and choices go along, on SQLite too
        db.session.delete(registration)
    db.session.flush()
    registrations = len(expired)
    orphans = db.session.execute(
        sa.delete(Participant).where(~Participant.registrations.any())
    ).rowcount
    mails = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.created_at < cutoff, OutboxMessage.status == "sent"
        )
    ).rowcount
    return {"registrations": registrations, "participants": orphans, "mails": mails}
