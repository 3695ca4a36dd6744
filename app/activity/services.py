"""What an organiser's or attendee's action means across capabilities, in order, in one
transaction: the caller commits once.

Places (at the event and in its workshops) follow one rule: whenever a place frees up or a
capacity changes, the first waiting are promoted under the event's lock, and never into a
cancelled session or a cancelled, started or past event (`programme.lifecycle`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.agenda import choices as agenda_choices
from app.agenda import services as agenda
from app.agenda.reading import publish_blockers
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
    """An edit of a locked event: a new start takes the agenda along, registrants of a
    published event are told once of a new time or place, and a changed capacity settles."""
    edit = programme.update_event(event, details, organisers, seen_version)
    if edit.shift:
        agenda.shift_agenda(event, edit.shift, by)
    if event.is_published and edit.changes:
        registration.tell_event_changed(event, edit.changes)
    if edit.capacity_changed or edit.shift:  # a later start can reopen a started event
        settle_places(event)
    return event


def publish_event(event: Event) -> Event:
    return programme.publish_event(event, publish_blockers(event))


def unpublish_event(event: Event) -> Event:
    return programme.unpublish_event(event, has_registrations=registration.has_registrations(event))


def cancel_event(event: Event) -> Event:
    """Everyone registered is told; places no longer move (the lifecycle sees to that)."""
    programme.cancel_event(event)
    registration.tell_event_cancelled(event)
    return event


def duplicate_event(
    event: Event, new_start: datetime, by, creation_key: str | None = None
) -> Event:
    """The copy takes the event's agenda and questions along, never its registrations."""
    earlier = programme.event_created_with(creation_key)
    copy, shift = programme.duplicate_event(event, new_start, by, creation_key)
    if earlier is None:
        agenda.copy_agenda(event, copy, shift)
        questions.copy_questions(event, copy)
    return copy


# --- the attendee's side -------------------------------------------------------------------


def register(event_id: int, details, session_ids: list[int]):
    """Registering for an event, with workshops for a themadag: the place and the workshops
    are one decision, in one transaction under one event lock. Someone put on the event's
    waiting list (or who was registered already) gets no workshop now; they choose once they
    have a place."""
    outcome = registration.register(event_id, details)
    workshops = None
    if session_ids and outcome.registration.is_confirmed and not outcome.already_registered:
        workshops = agenda_choices.choose_workshops(outcome.registration, session_ids)
    return outcome, workshops


def cancel_registration(registration_id: int, *, by: str) -> Registration:
    """A cancelled registration frees its place and its workshop places; each goes to the
    first waiting."""
    cancelled = registration.cancel(registration_id, by=by)
    agenda_choices.release_all(cancelled)
    return cancelled


def renew_links(current: Registration) -> Registration:
    """Stop every earlier link to the registration and mail a new one."""
    revoke_all(current)
    notifications.new_link(current)
    return current
