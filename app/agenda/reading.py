"""Reading the agenda: sessions with their rooms and speakers, conflicts, rondes and how full
each workshop is. A fixed number of queries however long the agenda is."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.agenda import rules
from app.agenda.models import (
    AgendaChange,
    ChoiceStatus,
    Room,
    Session,
    SessionChoice,
    SessionStatus,
    Speaker,
)
from app.errors import NotFoundHere
from app.extensions import db
from app.programme.models import Event


def event_sessions(event: Event, *, include_cancelled: bool = True) -> list[Session]:
    """The agenda in time order, rooms and speakers loaded alongside, in one query whatever
    the number of sessions (a select-in load would take one more per 500 sessions)."""
    query = (
        sa.select(Session)
        .where(Session.event_id == event.id)
        .options(so.joinedload(Session.room), so.joinedload(Session.speakers))
        .order_by(Session.starts_at, Session.id)
    )
    if not include_cancelled:
        query = query.where(Session.status == SessionStatus.SCHEDULED)
    return list(db.session.scalars(query).unique())


def event_rooms(event: Event) -> list[Room]:
    return list(
        db.session.scalars(
            sa.select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)
        )
    )


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


def choices_by_registration(event: Event) -> dict[int, set[int]]:
    chosen: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.session_id)
        .join(Session)
        .where(Session.event_id == event.id)
    )
    for registration_id, session_id in rows:
        chosen.setdefault(registration_id, set()).add(session_id)
    return chosen


def conflicts(event: Event, sessions: list[Session] | None = None) -> list[rules.Conflict]:
    sessions = event_sessions(event) if sessions is None else sessions
    room_names = {s.room.id: s.room.name for s in sessions if s.room}
    speaker_names = {sp.id: sp.name for s in sessions for sp in s.speakers}
    slots = [slot_of(s) for s in sessions]
    found = rules.agenda_conflicts(slots, event.starts_at, event.ends_at, room_names, speaker_names)
    return found + rules.choices_now_overlapping(choices_by_registration(event), slots)


def publish_blockers(event: Event) -> list:
    """What stands in the way of publishing: the agenda's errors (warnings do not)."""
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
    return _left(session.effective_capacity, counts.get(session.id, {}).get("confirmed", 0))


def _places_left_statement() -> sa.Select:
    confirmed = (
        sa.select(sa.func.count())
        .where(
            SessionChoice.session_id == Session.id, SessionChoice.status == ChoiceStatus.CONFIRMED
        )
        .scalar_subquery()
    )
    # The capacity as `Session.effective_capacity` reads it: its own, else its room's.
    return (
        sa.select(Session.id, sa.func.coalesce(Session.capacity, Room.capacity), confirmed)
        .outerjoin(Room, Session.room_id == Room.id)
        .where(Session.event_id == sa.bindparam("event_id"),
               Session.status == SessionStatus.SCHEDULED)
    )  # fmt: skip


_PLACES_LEFT = _places_left_statement()  # built once: it runs after every registration


def places_left(event_id: int) -> dict[int, int | None]:
    """Places left in each scheduled session of the event (None: no limit), as `seats_left`
    counts them, in one query of plain rows: for the event page's places, filled in after
    every registration (app/activity/places.py)."""
    rows = db.session.execute(_PLACES_LEFT, {"event_id": event_id})
    return {session_id: _left(capacity, taken) for session_id, capacity, taken in rows}


def _left(capacity: int | None, confirmed: int) -> int | None:
    return None if capacity is None else max(capacity - confirmed, 0)


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


def room_of(event: Event, room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise NotFoundHere()
    return room


def speakers_by_id(ids) -> list[Speaker]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(ids))))


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(sa.select(Speaker).order_by(Speaker.name)))


def workshops_of(registration_id: int) -> list[SessionChoice]:
    """A registrant's workshop choices (places and waiting-list places), in time order, with
    the session, its room, speakers and event loaded: what their calendar and mails show."""
    return list(
        db.session.scalars(
            sa.select(SessionChoice)
            .join(Session)
            .where(SessionChoice.registration_id == registration_id)
            .options(
                so.contains_eager(SessionChoice.session).options(
                    so.joinedload(Session.room),
                    so.selectinload(Session.speakers),
                    so.joinedload(Session.event),
                )
            )
            .order_by(Session.starts_at, Session.id)
        )
    )
