"""Keeps `Event.changed_at`: the moment anything a feed or the API shows of an event last
changed — the event itself, a session, room, speaker, theme, registration or workshop choice.

Feeds answer conditional requests from this one column (ETag and Last-Modified) without
building a calendar. It is kept at flush time rather than by each service, so no service
can forget it: a cache validator that misses one change serves a stale calendar for hours.
The stamp is written with a plain UPDATE, which leaves the event's optimistic-locking
version alone: a registration must not make an organiser's open edit form stale."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession

from app.agenda.models import AgendaChange, Room, Session, SessionChoice, Speaker, session_speakers
from app.calendar.feeds import forget_window
from app.programme.models import Accreditation, Event, Theme, event_themes
from app.registration.models import Registration
from app.timezones import utcnow

# Records that carry their event's id themselves.
_OWN_EVENT_ID = (Session, Room, Registration, AgendaChange, Accreditation)


def _touched(session: OrmSession):
    for obj in (*session.new, *session.deleted):
        yield obj
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True):
            yield obj


@sa_event.listens_for(OrmSession, "after_flush")
def _stamp_changed_events(session: OrmSession, _flush_context) -> None:
    event_ids, session_ids, speaker_ids, theme_ids = set(), set(), set(), set()
    for obj in _touched(session):
        if isinstance(obj, Event):
            event_ids.add(obj.id)
        elif isinstance(obj, _OWN_EVENT_ID):
            event_ids.add(obj.event_id)
        elif isinstance(obj, SessionChoice):
            session_ids.add(obj.session_id)
        elif isinstance(obj, Speaker):
            speaker_ids.add(obj.id)
        elif isinstance(obj, Theme):
            theme_ids.add(obj.id)
    if not (event_ids or session_ids or speaker_ids or theme_ids):
        return
    connection = session.connection()
    sessions = Session.__table__
    if session_ids:
        event_ids.update(connection.scalars(
            sa.select(sessions.c.event_id).where(sessions.c.id.in_(session_ids))
        ))  # fmt: skip
    if speaker_ids:
        event_ids.update(connection.scalars(
            sa.select(sessions.c.event_id).join(session_speakers)
            .where(session_speakers.c.speaker_id.in_(speaker_ids))
        ))  # fmt: skip
    if theme_ids:
        event_ids.update(connection.scalars(
            sa.select(event_themes.c.event_id).where(event_themes.c.theme_id.in_(theme_ids))
        ))  # fmt: skip
    event_ids.discard(None)
    if event_ids:
        events = Event.__table__
        connection.execute(
            events.update().where(events.c.id.in_(sorted(event_ids))).values(changed_at=utcnow())
        )
        if has_app_context():
            forget_window()
