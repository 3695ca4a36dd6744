"""What an organiser's or attendee's action means across capabilities, in order, in one
transaction: the caller commits once.

Places (at the event and in its workshops) follow one rule: whenever a place frees up or a
capacity changes, the first waiting are promoted under the event's lock, and never into a
cancelled session or a cancelled, started or past event (`programme.lifecycle`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.agenda import choices as agenda_choices
from app.agenda import notifications as agenda_notifications
from app.agenda import reading as agenda_reading
from app.agenda import releases
from app.agenda import services as agenda
from app.calendar.stamps import lock_event_moving_its_places
from app.errors import NotFoundHere
from app.locking import lock_row
from app.programme import lifecycle
from app.programme import services as programme
from app.programme.models import Event
from app.registration import notifications, questions
from app.registration import services as registration
from app.registration.models import Registration
from app.registration.tokens import revoke_all


def settle_places(event: Event) -> None:
    """The one capacity rule: free places at the event, then in each workshop, go to the first
    waiting. The caller holds the event's lock."""
    registration.promote_from_waitlist(event)
    agenda_choices.rebalance(event)


# --- the organiser's side ------------------------------------------------------------------


def update_event(event: Event, details: dict, organisers: Iterable | None = None, by=None,
                 seen_version: int | None = None) -> Event:  # fmt: skip
    """An organiser's edit: a new date takes the agenda along, registrants of an open event are
    told once of a new time or place, and places settle (a capacity or a start changed)."""
    event = lock_row(Event, event.id)
    edit = programme.update_event(event, details, organisers, seen_version)
    if edit.shift:
        agenda.shift_agenda(event, edit.shift, by)
    if edit.changes and lifecycle.places_may_move(event):  # nobody is told after the fact
        registration.tell_event_changed(event, edit.changes)
    if edit.capacity_changed or edit.shift:  # a later start can reopen a started event
        settle_places(event)
    return event


def publish_event(event: Event) -> Event:
    event = lock_row(Event, event.id)
    return programme.publish_event(event, agenda_reading.publish_blockers(event))


def may_unpublish(event: Event) -> bool:
    return event.is_published and not registration.has_registrations(event)


def unpublish_event(event: Event) -> Event:
    event = lock_row(Event, event.id)
    pending = releases.differences(event)
    programme.unpublish_event(event, has_registrations=registration.has_registrations(event))
    releases.absorb(event, pending)
    return event


def cancel_event(event: Event) -> Event:
    """Everyone registered is told; places no longer move (the lifecycle sees to that)."""
    event = lock_row(Event, event.id)
    programme.cancel_event(event)
    registration.tell_event_cancelled(event)
    return event


def delete_draft(event: Event) -> None:
    """A draft goes with its agenda and its questions (through the ORM, so on SQLite too)."""
    event = lock_row(Event, event.id)
    programme.ensure_draft(event)
    agenda.delete_agenda(event)
    questions.delete_questions(event)
    programme.delete_draft(event)


def duplicate_event(
    event: Event, new_start: datetime, by, creation_key: str | None = None
) -> Event:
    """The copy takes the event's agenda and questions along, never its registrations. The same
    form posted twice (even at once) copies once."""
    copy, shift = programme.duplicate_event(event, new_start, by, creation_key)
    if shift is not None:
        agenda.copy_agenda(event, copy, shift)
        questions.copy_questions(event, copy)
    return copy


# --- the attendee's side -------------------------------------------------------------------


def register(event_id: int, details, session_ids: list[int], *, at_desk: bool = False):
    """Registering, with workshops for a themadag: the place and the workshops are one
    decision, in one transaction under one event lock, told in one mail. The workshops are
    checked first, whoever registers, so a refusal says nothing about an address. Someone put
    on the event's waiting list (or registered already) gets no workshop now; they choose once
    they have a place. `at_desk`: a walk-in (see `registration.register`)."""
    person = registration.person_for(details)  # before the lock (see there)
    event = lock_event_moving_its_places(event_id)  # a registration moves its places
    if event is None:
        raise NotFoundHere()
    if (
        at_desk or registration.registration_closed_reason(event) is None
    ):  # else register() says why
        agenda_choices.check_choice(event, session_ids)
    outcome = registration.register(event_id, details, tell=False, at_desk=at_desk, person=person)
    if outcome.already_registered:
        return outcome, None
    workshops = None
    if session_ids and outcome.registration.is_confirmed:
        workshops = agenda_choices.choose_workshops(outcome.registration, session_ids,
                                                    at_desk=at_desk)  # fmt: skip
    registration.tell_registered(outcome.registration)  # with its workshops: activity/mails.py
    return outcome, workshops


def full_workshops(
    outcome: registration.RegistrationOutcome,
    position: int | None,
    chosen: list[int],
    workshops: agenda_choices.ChoiceOutcome | None,
) -> list[int]:
    """Which workshops picked on the form the confirmation page marks full: those the decision
    put on their waiting list. For an address registered already (whose page must look like a
    newcomer's, `position` being what a newcomer gets) those a newcomer would wait for now.
    Someone on the event's waiting list picks later: none."""
    if workshops is not None:
        return [session.id for session in workshops.waitlisted]
    if not (chosen and outcome.already_registered and position is None):
        return []
    event = outcome.registration.event
    counts = agenda_reading.workshop_counts(event)
    return [
        session.id
        for session in agenda_reading.event_sessions(event, include_cancelled=False)
        if session.id in chosen and agenda_reading.seats_left(session, counts) == 0
    ]


def change_workshops(current: Registration, session_ids: list[int]):
    """An attendee changes their workshops: told in one mail (with the updated calendar
    entry) when anything changed, a new waiting-list place included."""
    lock_row(Event, current.event_id)  # before reading what they had: one change at a time
    before = {(c.session_id, c.status) for c in agenda_choices.choices_of(current)}
    outcome = agenda_choices.choose_workshops(current, session_ids)
    after = {(c.session_id, c.status) for c in agenda_choices.choices_of(current)}
    if after != before:
        agenda_notifications.workshops_changed(current, outcome)
    return outcome


def cancel_registration(registration_id: int, *, by: str) -> Registration:
    """A cancelled registration frees its place and its workshop places; each goes to the
    first waiting."""
    cancelled = registration.cancel(registration_id, by=by)
    agenda_choices.release_all(cancelled)
    return cancelled


def update_details(current: Registration, details) -> Registration:
    """The attendee corrects their details; a certificate already issued follows a new name."""
    from app.certificates.services import follow_name

    registration.update_details(current, details)
    follow_name(current)
    return current


def renew_links(current: Registration) -> Registration:
    """Stop every earlier link to the registration and mail a new one."""
    revoke_all(current)
    notifications.new_link(current)
    return current
