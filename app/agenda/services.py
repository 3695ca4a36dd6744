"""The rules of the agenda applied to the database: sessions, rooms and speakers; conflicts;
what a change to a published agenda records; and workshop choice, whose capacity holds with
the same lock discipline as registering (the event's row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.agenda import notifications, rules
from app.agenda.models import (
    AgendaChange,
    ChoiceStatus,
    Room,
    Session,
    SessionChoice,
    SessionKind,
    SessionStatus,
    Speaker,
)
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme import signals as programme_signals
from app.programme.models import Event
from app.registration import services as registration_services
from app.registration import signals as registration_signals
from app.registration.models import Registration
from app.timezones import utcnow
from app.waiting_list import WaitingList

WORKSHOP_WAITLIST = WaitingList(SessionChoice, "session_id", "position")


# --- reading -------------------------------------------------------------------------------


def event_sessions(event: Event, *, include_cancelled: bool = True) -> list[Session]:
    """The agenda in time order, rooms and speakers loaded alongside: a fixed number of
    queries however long the agenda is."""
    query = (
        sa.select(Session)
        .where(Session.event_id == event.id)
        .options(so.joinedload(Session.room), so.selectinload(Session.speakers))
        .order_by(Session.starts_at, Session.id)
    )
    if not include_cancelled:
        query = query.where(Session.status == SessionStatus.SCHEDULED)
    return list(db.session.scalars(query))


def event_rooms(event: Event) -> list[Room]:
    return list(
        db.session.scalars(
            sa.select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)
        )
    )


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(sa.select(Speaker).order_by(Speaker.name)))


def slot_of(session: Session) -> rules.Slot:
    return rules.Slot(
        id=session.id,
        kind=session.kind,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room_id=session.room_id,
        speaker_ids=frozenset(s.id for s in session.speakers),
        capacity=session.capacity,
        room_capacity=session.room.capacity if session.room else None,
        cancelled=session.is_cancelled,
    )


def conflicts(event: Event, sessions: list[Session] | None = None) -> list[rules.Conflict]:
    sessions = event_sessions(event) if sessions is None else sessions
    room_names = {s.room.id: s.room.name for s in sessions if s.room}
    speaker_names = {sp.id: sp.name for s in sessions for sp in s.speakers}
    slots = [slot_of(s) for s in sessions]
    found = rules.agenda_conflicts(slots, event.starts_at, event.ends_at, room_names, speaker_names)
    return found + rules.choices_now_overlapping(_choices_by_registration(event), slots)


def _choices_by_registration(event: Event) -> dict[int, set[int]]:
    chosen: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.session_id)
        .join(Session)
        .where(Session.event_id == event.id)
    )
    for registration_id, session_id in rows:
        chosen.setdefault(registration_id, set()).add(session_id)
    return chosen


@programme_signals.event_duplicated.connect
def _copy_agenda(event: Event, copy: Event, shift) -> None:
    """A duplicated themadag keeps its rooms, speakers and sessions, moved to the new date."""
    rooms = {}
    for room in event_rooms(event):
        rooms[room.id] = Room(event_id=copy.id, name=room.name, capacity=room.capacity,
                              accessibility_notes=room.accessibility_notes, position=room.position)  # fmt: skip
        db.session.add(rooms[room.id])
    db.session.flush()
    for session in event_sessions(event, include_cancelled=False):
        db.session.add(Session(
            event_id=copy.id, kind=session.kind, title=session.title, description=session.description,
            starts_at=session.starts_at + shift, ends_at=session.ends_at + shift,
            room=rooms.get(session.room_id), capacity=session.capacity, speakers=list(session.speakers),
            status=SessionStatus.SCHEDULED,
        ))  # fmt: skip
    db.session.flush()


@programme_signals.publish_requested.connect
def _block_publishing_with_conflicts(event: Event) -> list:
    return [c.message for c in conflicts(event) if c.severity == rules.ERROR]


def workshop_counts(event: Event) -> dict[int, dict[str, int]]:
    """Per session: confirmed and waiting choices, in one grouped query."""
    rows = db.session.execute(
        sa.select(SessionChoice.session_id, SessionChoice.status, sa.func.count())
        .join(Session)
        .where(Session.event_id == event.id)
        .group_by(SessionChoice.session_id, SessionChoice.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for session_id, status, n in rows:
        counts.setdefault(session_id, {"confirmed": 0, "waitlisted": 0})[status] = n
    return counts


def seats_left(session: Session, counts: dict[int, dict[str, int]]) -> int | None:
    capacity = session.effective_capacity
    if capacity is None:
        return None
    return max(capacity - counts.get(session.id, {}).get("confirmed", 0), 0)


def event_rondes(event: Event, sessions: list[Session] | None = None) -> list[rules.Ronde]:
    sessions = event_sessions(event, include_cancelled=False) if sessions is None else sessions
    return rules.rondes(sessions)


def changes_for(event: Event) -> list[AgendaChange]:
    return list(
        db.session.scalars(
            sa.select(AgendaChange)
            .where(AgendaChange.event_id == event.id)
            .options(so.joinedload(AgendaChange.session))
            .order_by(AgendaChange.changed_at.desc(), AgendaChange.id.desc())
        )
    )


def session_of(event: Event, session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        raise NotFoundHere()
    return session


# --- changing the agenda -------------------------------------------------------------------

SESSION_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "room_id", "capacity")


def _describe(session: Session) -> dict:
    """What a change record keeps of a session: enough to say what it was."""
    return {
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room else None,
        "status": session.status,
    }


def _record(event: Event, session: Session, what: str, before: dict, after: dict, by) -> None:
    """Changes to a published agenda are kept, shown and announced; drafts change freely."""
    if not event.is_published:
        return
    session.ical_sequence += 1
    db.session.add(
        AgendaChange(
            event_id=event.id,
            session_id=session.id,
            what=what,
            before=before,
            after=after,
            changed_by_id=getattr(by, "id", None),
        )  # fmt: skip
    )


def _room_for(event: Event, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise DomainError(_l("Die zaal hoort niet bij deze activiteit."))
    return room


def add_session(event: Event, details: dict, speakers: list[Speaker] = (), by=None) -> Session:
    if event.is_cancelled:
        raise StateConflict(_l("Een geannuleerde activiteit kan niet meer worden gewijzigd."))
    session = Session(event_id=event.id, status=SessionStatus.SCHEDULED)
    for field in SESSION_FIELDS:
        if field in details:
            setattr(session, field, details[field])
    session.room = _room_for(event, details.get("room_id"))
    session.speakers = list(speakers)
    db.session.add(session)
    db.session.flush()
    _record(event, session, "added", {}, _describe(session), by)
    db.session.flush()
    return session


def update_session(
    session: Session, details: dict, speakers: list[Speaker] | None = None, by=None
) -> Session:
    event = session.event
    if event.is_cancelled:
        raise StateConflict(_l("Een geannuleerde activiteit kan niet meer worden gewijzigd."))
    before = _describe(session)
    if "room_id" in details:
        session.room = _room_for(event, details["room_id"])
    for field in SESSION_FIELDS:
        if field in details and field != "room_id":
            setattr(session, field, details[field])
    if speakers is not None:
        session.speakers = list(speakers)
    db.session.flush()
    after = _describe(session)
    if before != after:
        what = "moved" if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]) else (
            "room" if before["room"] != after["room"] else "changed")  # fmt: skip
        _record(event, session, what, before, after, by)
        db.session.flush()
    return session


def move_session(
    session: Session, starts_at: datetime, ends_at: datetime, room_id: int | None, by=None
) -> Session:
    """What a drag in the editor does: new times and room, the same rules as the form."""
    return update_session(
        session, {"starts_at": starts_at, "ends_at": ends_at, "room_id": room_id}, by=by
    )


def cancel_session(session: Session, by=None) -> Session:
    if session.is_cancelled:
        raise StateConflict(_l("Dit programmaonderdeel is al geschrapt."))
    before = _describe(session)
    session.status = SessionStatus.CANCELLED
    db.session.flush()
    _record(session.event, session, "cancelled", before, _describe(session), by)
    db.session.flush()
    return session


def delete_session(session: Session) -> None:
    """Only while the event is a draft; a published agenda keeps a cancelled session visible."""
    if not session.event.is_draft:
        raise StateConflict(
            _l("In een gepubliceerd programma kunt u een onderdeel alleen schrappen.")
        )
    db.session.delete(session)
    db.session.flush()


ROOM_FIELDS = ("name", "capacity", "accessibility_notes")


def add_room(event: Event, details: dict) -> Room:
    if any(r.name.lower() == details["name"].strip().lower() for r in event_rooms(event)):
        raise DomainError(_l("Er is al een zaal met deze naam."))
    position = len(event_rooms(event)) + 1
    room = Room(
        event_id=event.id, position=position, **{f: details[f] for f in ROOM_FIELDS if f in details}
    )
    db.session.add(room)
    db.session.flush()
    return room


def update_room(room: Room, details: dict) -> Room:
    for field in ROOM_FIELDS:
        if field in details:
            setattr(room, field, details[field])
    db.session.flush()
    return room


def room_of(event: Event, room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise NotFoundHere()
    return room


SPEAKER_FIELDS = ("name", "organisation", "bio", "email")


def save_speaker(details: dict, speaker: Speaker | None = None) -> Speaker:
    speaker = speaker or Speaker()
    for field in SPEAKER_FIELDS:
        if field in details:
            setattr(speaker, field, (details[field] or "").strip())
    db.session.add(speaker)
    db.session.flush()
    return speaker


def speaker_of(speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise NotFoundHere()
    return speaker


def speakers_by_id(ids) -> list[Speaker]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(ids))))


# --- workshop choice -----------------------------------------------------------------------


@dataclass
class ChoiceOutcome:
    confirmed: list[Session]
    waitlisted: list[Session]


def choices_of(registration: Registration) -> list[SessionChoice]:
    return list(
        db.session.scalars(
            sa.select(SessionChoice)
            .join(Session)
            .where(SessionChoice.registration_id == registration.id)
            .options(so.contains_eager(SessionChoice.session).joinedload(Session.room))
            .order_by(Session.starts_at, Session.id)
        )
    )


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


def promote_workshop_waitlist(session: Session) -> list[SessionChoice]:
    promoted = []
    while _has_room(session):
        first = WORKSHOP_WAITLIST.first(session.id)
        if first is None:
            break
        first.status, first.position = ChoiceStatus.CONFIRMED, None
        db.session.flush()
        WORKSHOP_WAITLIST.close_gap(session.id, 1)
        notifications.workshop_place(first)
        promoted.append(first)
    return promoted


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


def choose_workshops(registration: Registration, session_ids: list[int]) -> ChoiceOutcome:
    """Set a registrant's workshops: one per ronde at most, never overlapping. A full workshop
    puts them on its own waiting list. Places given up go to the first waiting, at once."""
    event = lock_row(Event, registration.event_id)
    if not registration.is_confirmed:
        raise StateConflict(_l("U kiest workshops zodra u een plaats heeft."))
    sessions = event_sessions(event, include_cancelled=False)
    by_id = {s.id: s for s in sessions}
    chosen = [by_id[i] for i in dict.fromkeys(session_ids) if i in by_id]
    if len(chosen) != len(set(session_ids)):
        raise DomainError(_l("Deze workshop kunt u niet kiezen."))
    validate_choice(event, chosen, rules.rondes(sessions), event.workshop_choice_required)

    current = {c.session_id: c for c in choices_of(registration)}
    for session_id, choice in current.items():
        if session_id not in by_id or session_id not in {s.id for s in chosen}:
            _release(choice)
    outcome = ChoiceOutcome([], [])
    for session in chosen:
        existing = current.get(session.id)
        if existing is not None:
            (
                outcome.confirmed
                if existing.status == ChoiceStatus.CONFIRMED
                else outcome.waitlisted
            ).append(session)
            continue
        if _has_room(session):
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


def register_with_workshops(event_id: int, details, session_ids: list[int]):
    """Registering for a themadag: the place and the workshops are one decision, in one
    transaction under one event lock. Someone put on the event's waiting list (or who was
    registered already) gets no workshop now; they choose once they have a place."""
    outcome = registration_services.register(event_id, details)
    workshops = None
    if session_ids and outcome.registration.is_confirmed and not outcome.already_registered:
        workshops = choose_workshops(outcome.registration, session_ids)
    return outcome, workshops


@registration_signals.registration_cancelled.connect
def _free_workshop_places(registration: Registration) -> None:
    for choice in choices_of(registration):
        _release(choice)


# --- telling people about changes ----------------------------------------------------------


def pending_changes(event: Event) -> list[AgendaChange]:
    return [c for c in changes_for(event) if c.notified_at is None]


def announce_changes(event: Event) -> int:
    """Send one summary per affected registrant for all changes not yet announced: everyone
    with a place for plenary sessions and breaks, those who chose it for a workshop."""
    changes = list(reversed(pending_changes(event)))
    if not changes:
        return 0
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .options(so.joinedload(Registration.participant))
        )
    )
    chosen = _choices_by_registration(event)
    sessions = event_sessions(event)  # once: each summary lists the person's own workshops
    sent = 0
    for registration in registrations:
        mine = chosen.get(registration.id, set())
        relevant = [c for c in changes if c.session is None or c.session.kind != SessionKind.WORKSHOP
                    or c.session_id in mine]  # fmt: skip
        if relevant:
            notifications.agenda_changed(
                registration, relevant, [s for s in sessions if s.id in mine]
            )
            sent += 1
    now = utcnow()
    for change in changes:
        change.notified_at = now
    db.session.flush()
    return sent


# --- the public agenda ---------------------------------------------------------------------


@dataclass
class PublicAgenda:
    """The agenda as the event page shows it: single sessions, and rondes side by side."""

    items: list  # ("session", Session) or ("ronde", number, Ronde)
    rondes: list[rules.Ronde]
    counts: dict[int, dict[str, int]]
    changes: list[AgendaChange]
    cancelled: list[Session]
    speakers: list[Speaker] = None

    def __post_init__(self):
        if self.speakers is None:
            seen = {}
            for item in self.items:
                sessions = [item[1]] if item[0] == "session" else item[2].workshops
                for session in sessions:
                    for speaker in session.speakers:
                        seen.setdefault(speaker.id, speaker)
            self.speakers = sorted(seen.values(), key=lambda s: s.name)


def public_agenda(event: Event) -> PublicAgenda:
    """Built from three queries (sessions with rooms and speakers, choice counts, changes),
    whatever the number of sessions."""
    sessions = event_sessions(event)
    scheduled = [s for s in sessions if not s.is_cancelled]
    rondes = rules.rondes(scheduled)
    ronde_of = {w.id: (n, r) for n, r in enumerate(rondes, start=1) for w in r.workshops}
    items, shown = [], set()
    for session in scheduled:
        if session.id in ronde_of:
            number, ronde = ronde_of[session.id]
            if number not in shown:
                shown.add(number)
                items.append(("ronde", number, ronde))
        else:
            items.append(("session", session))
    changes = changes_for(event) if sessions else []
    return PublicAgenda(items, rondes, workshop_counts(event) if rondes else {}, changes,
                        [s for s in sessions if s.is_cancelled])  # fmt: skip


def attendance(session: Session) -> list[tuple[Registration, bool]]:
    """(registration, waiting?) for a workshop's list; everyone with a place for the rest."""
    if session.kind != SessionKind.WORKSHOP:
        registrations = db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == session.event_id, Registration.status == "confirmed")
            .options(so.joinedload(Registration.participant))
        )
        return sorted(
            ((r, False) for r in registrations), key=lambda p: p[0].participant.name.lower()
        )
    choices = db.session.scalars(
        sa.select(SessionChoice)
        .where(SessionChoice.session_id == session.id)
        .options(so.joinedload(SessionChoice.registration).joinedload(Registration.participant))
    )
    people = [
        (c.registration, c.status == ChoiceStatus.WAITLISTED, c.position or 0) for c in choices
    ]
    people.sort(key=lambda p: (p[1], p[2], p[0].participant.name.lower()))
    return [(r, waiting) for r, waiting, _position in people]
