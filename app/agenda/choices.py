"""Workshop choice: a registrant's workshops, one per ronde at most, never overlapping, each
with its own capacity and waiting list. The same lock discipline as registering (the event's
row), and the same lifecycle: places move only while the event is open, never into a
cancelled session."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.agenda import notifications, rules
from app.agenda.models import ChoiceStatus, Session, SessionChoice
from app.agenda.reading import event_sessions, slot_of, workshops_of
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme import lifecycle
from app.programme.models import Event
from app.registration.models import Registration
from app.waiting_list import WaitingList

WORKSHOP_WAITLIST = WaitingList(SessionChoice, "session_id", "position")


@dataclass
class ChoiceOutcome:
    confirmed: list[Session]
    waitlisted: list[Session]


def choices_of(registration: Registration) -> list[SessionChoice]:
    return workshops_of(registration.id)


def _confirmed_count(session_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SessionChoice)
        .where(
            SessionChoice.session_id == session_id, SessionChoice.status == ChoiceStatus.CONFIRMED
        )
    )


def _has_room(session: Session) -> bool:
    capacity = session.effective_capacity
    return capacity is None or _confirmed_count(session.id) < capacity


def _takes_places(session: Session) -> bool:
    return (
        session.is_workshop
        and not session.is_cancelled
        and lifecycle.places_may_move(session.event)
    )


def promote_workshop_waitlist(session: Session, tell: bool = True) -> list[SessionChoice]:
    """Fill a workshop's free places from the front of its waiting list, telling each person
    (`tell=False`: the caller does, in a mail of its own). The caller holds the event's lock."""
    promoted = []
    if not _takes_places(session):
        return promoted
    while _has_room(session):
        first = WORKSHOP_WAITLIST.first(session.id)
        if first is None:
            break
        first.status, first.position = ChoiceStatus.CONFIRMED, None
        db.session.flush()
        WORKSHOP_WAITLIST.close_gap(session.id, 1)
        if tell:
            notifications.workshop_place(first)
        promoted.append(first)
    return promoted


def rebalance(event: Event) -> None:
    """After capacities changed: every workshop's free places go to its first waiting."""
    for session in event_sessions(event, include_cancelled=False):
        promote_workshop_waitlist(session)


def _release(choice: SessionChoice) -> None:
    """Take a choice away; a freed place goes to the first waiting for that workshop."""
    session, was_confirmed, position = (
        choice.session,
        choice.status == ChoiceStatus.CONFIRMED,
        choice.position,
    )
    db.session.delete(choice)
    db.session.flush()
    if position is not None:
        WORKSHOP_WAITLIST.close_gap(session.id, position)
    if was_confirmed:
        promote_workshop_waitlist(session)


def release_all(registration: Registration) -> None:
    """A cancelled registration gives up its workshops (and places on their waiting lists)."""
    for choice in choices_of(registration):
        _release(choice)


def end_choices(session: Session, tell: bool = True) -> int:
    """A workshop is cancelled (or is no longer a workshop): its choices and its waiting list
    end, and each person is told once that they may choose another workshop of that ronde
    (`tell=False`: by the caller, in a mail of its own)."""
    if not session.event.is_draft and not lifecycle.places_may_move(session.event):
        return 0  # started or over: who was in it stays on record (attendance, certificates)
    choices = list(
        db.session.scalars(
            sa.select(SessionChoice)
            .where(SessionChoice.session_id == session.id)
            .options(so.joinedload(SessionChoice.registration))
        )
    )
    tell = tell and lifecycle.places_may_move(session.event)
    for choice in choices:
        registration = choice.registration
        db.session.delete(choice)
        if tell and registration.is_confirmed:
            notifications.workshop_ended(registration, session)
    db.session.flush()
    return len(choices)


def validate_choice(
    event: Event, chosen: list[Session], rondes: list[rules.Ronde], required: bool
) -> None:
    for session in chosen:
        if session.event_id != event.id or not session.is_workshop or session.is_cancelled:
            raise DomainError(_l("Deze workshop kunt u niet kiezen."))
    clashes = rules.chosen_overlap([slot_of(s) for s in chosen])
    if clashes:
        raise DomainError(clashes[0].message)
    if required:
        chosen_ids = {s.id for s in chosen}
        for ronde in rondes:
            if not chosen_ids & {w.id for w in ronde.workshops}:
                raise DomainError(_l("Kies in elke ronde een workshop."))


def check_choice(event: Event, session_ids: list[int]) -> list[Session]:
    """The workshops `session_ids` name, if they may be chosen together at `event` (and all
    rondes have one when a choice is required); a DomainError says why not."""
    if not session_ids and not event.workshop_choice_required:
        return []  # nothing to check: no query (a registration without workshops, at a rush)
    sessions = event_sessions(event, include_cancelled=False)
    rondes = rules.rondes(sessions)
    by_id = {s.id: s for s in sessions}
    chosen = [by_id[i] for i in dict.fromkeys(session_ids) if i in by_id]
    if len(chosen) != len(set(session_ids)):
        raise DomainError(_l("Deze workshop kunt u niet kiezen."))
    if rondes:
        validate_choice(event, chosen, rondes, event.workshop_choice_required)
    return chosen


def choose_workshops(
    registration: Registration, session_ids: list[int], *, at_desk: bool = False
) -> ChoiceOutcome:
    """Set a registrant's workshops: one per ronde at most, never overlapping. A full workshop
    — or one with people already waiting — puts them on its own waiting list. Places given up
    go to the first waiting, at once. `at_desk`: a walk-in's workshops, also once the event
    has started."""
    event = lock_row(Event, registration.event_id)
    if at_desk:
        lifecycle.ensure_desk_may_seat(event)
    else:
        lifecycle.ensure_places_may_move(event)
    db.session.refresh(registration)
    if not registration.is_confirmed:
        raise StateConflict(_l("U kiest workshops zodra u een plaats heeft."))
    chosen = check_choice(event, session_ids)

    current = {c.session_id: c for c in choices_of(registration)}
    chosen_ids = {s.id for s in chosen}
    for session_id, choice in current.items():
        if session_id not in chosen_ids:
            _release(choice)
    outcome = ChoiceOutcome([], [])
    for session in chosen:
        existing = current.get(session.id)
        if existing is not None:
            mine = (
                outcome.confirmed
                if existing.status == ChoiceStatus.CONFIRMED
                else outcome.waitlisted
            )
            mine.append(session)
            continue
        # Whoever waits comes first: a newcomer gets a freed place only when nobody waits.
        if _has_room(session) and WORKSHOP_WAITLIST.first(session.id) is None:
            db.session.add(SessionChoice(registration_id=registration.id, session_id=session.id,
                                         status=ChoiceStatus.CONFIRMED))  # fmt: skip
            outcome.confirmed.append(session)
        else:
            db.session.add(SessionChoice(registration_id=registration.id, session_id=session.id,
                                         status=ChoiceStatus.WAITLISTED,
                                         position=WORKSHOP_WAITLIST.last(session.id) + 1))  # fmt: skip
            outcome.waitlisted.append(session)
        db.session.flush()
    return outcome
