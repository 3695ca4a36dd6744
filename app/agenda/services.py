"""Editing the agenda: sessions, rooms, copying and moving a whole agenda. Every edit that can
change who has a workshop place (a capacity, a room's capacity, a session's kind, cancelling
or deleting) takes the event's lock and settles the places in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agenda import changes, choices
from app.agenda.models import (
    AgendaChange,
    AgendaRelease,
    Room,
    Session,
    SessionDraft,
    SessionStatus,
    Speaker,
)
from app.agenda.reading import (  # noqa: F401  (the editor's reading, in one import)
    all_speakers,
    conflicts,
    event_rondes,
    event_rooms,
    event_sessions,
    room_of,
    seats_left,
    session_of,
    speakers_by_id,
    workshop_counts,
)
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.locking import ensure_current, lock_row
from app.programme.models import Event
from app.timezones import utcnow

SESSION_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "room_id", "capacity")


def room_for(event: Event, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise DomainError(_l("Die zaal hoort niet bij deze activiteit."))
    return room


def ensure_editable(event: Event) -> None:
    if event.is_cancelled:
        raise StateConflict(_l("Een geannuleerde activiteit kan niet meer worden gewijzigd."))


def add_session(event: Event, details: dict, speakers: list[Speaker] = (), by=None) -> Session:
    ensure_editable(event)
    session = Session(event_id=event.id, status=SessionStatus.SCHEDULED)
    for field in SESSION_FIELDS:
        if field in details:
            setattr(session, field, details[field])
    session.room = room_for(event, details.get("room_id"))
    session.speakers = list(speakers)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: Session, details: dict, speakers: list[Speaker] | None = None,
                   by=None, seen_version: int | None = None, tell: bool = True) -> Session:  # fmt: skip
    """An edit made on the state of `seen_version` (by the editor on a draft, by a release on a
    published agenda — working.py decides). A workshop that stops being one ends its choices;
    a capacity that grows goes to the first waiting. `tell`: mail those whose choice ends
    (a release tells them in its own mail instead)."""
    event = lock_row(Event, session.event_id)
    ensure_editable(event)
    ensure_current(session, seen_version)
    was_workshop = session.is_workshop
    if "room_id" in details:
        session.room = room_for(event, details["room_id"])
    for field in SESSION_FIELDS:
        if field in details and field != "room_id":
            setattr(session, field, details[field])
    if speakers is not None:
        session.speakers = list(speakers)
    db.session.flush()
    if was_workshop and not session.is_workshop:
        choices.end_choices(session, tell=tell)
    choices.promote_workshop_waitlist(session, tell=tell)
    return session


def cancel_session(session: Session, by=None, tell: bool = True) -> Session:
    """Struck from the agenda; it stays visible as cancelled. A cancelled workshop's choices
    and waiting list end, and those people may choose another workshop of the ronde."""
    event = lock_row(Event, session.event_id)
    ensure_editable(event)
    if session.is_cancelled:
        raise StateConflict(_l("Dit programmaonderdeel is al geschrapt."))
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = utcnow()  # calendar feeds keep it, as cancelled, for 30 days
    db.session.flush()
    choices.end_choices(session, tell=tell)
    db.session.flush()
    return session


def delete_session(session: Session) -> None:
    """Only while the event is a draft; a published agenda keeps a cancelled session visible."""
    lock_row(Event, session.event_id)
    if not session.event.is_draft:
        raise StateConflict(
            _l("In een gepubliceerd programma kunt u een onderdeel alleen schrappen.")
        )
    choices.end_choices(session)
    db.session.delete(session)
    db.session.flush()


def delete_agenda(event: Event) -> None:
    """With a deleted draft: its sessions (and their speakers and any choices), rooms and
    change records, through the ORM so that nothing stays behind on SQLite either."""
    for session in event_sessions(event):
        choices.end_choices(session)
        db.session.delete(session)
    for room in event_rooms(event):
        db.session.delete(room)
    for model in (SessionDraft, AgendaChange, AgendaRelease):
        db.session.execute(sa.delete(model).where(model.event_id == event.id))
    db.session.flush()


def copy_agenda(event: Event, copy: Event, shift: timedelta) -> None:
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


def shift_agenda(event: Event, shift: timedelta, by=None) -> int:
    """A rescheduled event takes its agenda along: every session moves by `shift`. One change
    is recorded; the rescheduling mail already tells the registrants, so it is not announced
    again. The caller holds the event's lock."""
    sessions = event_sessions(event)
    for session in sessions:
        session.starts_at += shift
        session.ends_at += shift
        if event.is_published:
            session.ical_sequence += 1
    for draft in db.session.scalars(
        sa.select(SessionDraft).where(SessionDraft.event_id == event.id)
    ):
        draft.starts_at += shift  # the working copy moves along
        draft.ends_at += shift
    db.session.flush()
    if sessions:
        changes.record(event, None, "rescheduled", {}, {"shift_minutes": shift / timedelta(minutes=1)},
                       by, announced=True)  # fmt: skip
        db.session.flush()
    return len(sessions)


# --- rooms ---------------------------------------------------------------------------------

ROOM_FIELDS = ("name", "capacity", "accessibility_notes")


def _ensure_room_name_free(event: Event, name: str, other_than: int | None = None) -> None:
    taken = sa.select(Room.id).where(
        Room.event_id == event.id, sa.func.lower(Room.name) == name.strip().lower()
    )
    if other_than is not None:
        taken = taken.where(Room.id != other_than)
    if db.session.scalar(taken) is not None:
        raise DomainError(_l("Er is al een zaal met deze naam."))


def add_room(event: Event, details: dict) -> Room:
    _ensure_room_name_free(event, details["name"])
    position = len(event_rooms(event)) + 1
    room = Room(
        event_id=event.id, position=position, **{f: details[f] for f in ROOM_FIELDS if f in details}
    )
    db.session.add(room)
    db.session.flush()
    return room


def update_room(room: Room, details: dict) -> Room:
    """A room's capacity is the capacity of its workshops without their own: a larger room
    lets their waiting lists move up at once."""
    event = lock_row(Event, room.event_id)
    if "name" in details:
        _ensure_room_name_free(event, details["name"], other_than=room.id)
    for field in ROOM_FIELDS:
        if field in details:
            setattr(room, field, details[field])
    db.session.flush()
    for session in event_sessions(event, include_cancelled=False):
        if session.room_id == room.id:
            choices.promote_workshop_waitlist(session)
    return room
