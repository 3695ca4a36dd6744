"""Keeps `Event.changed_at`, `Event.page_version` and `Event.places_version`: when, and how many
times, anything a feed, the API or a public page shows of an event changed — the event
itself, a session, room, speaker, theme, release, question or material (the page's counter),
a registration or workshop choice (the places' counter).

Feeds answer conditional requests from `changed_at` (ETag and Last-Modified) without building
a calendar; cached public pages are served only while the `page_version` they were rendered
at is current, their places while the `places_version` (app/pages). All are kept at flush
time rather than by each service, so no service can forget them: a validator that misses one
change serves a stale page. They are written with a plain UPDATE, which leaves the event's
optimistic-locking version alone: a registration must not make an organiser's open edit form
stale. Changes that reach beyond one event (an event made or deleted, a theme, which the
programme's filter lists) also move the site's counter. The few bulk UPDATE/DELETE statements in the code change nothing a public
page shows (waiting-list positions, reminders sent, erasure of people's own rows) or come
with an ORM change that is stamped here (a deleted draft)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession

from app.agenda.models import (
    AgendaChange,
    AgendaRelease,
    Room,
    Session,
    SessionChoice,
    Speaker,
    session_speakers,
)
from app.calendar.feeds import forget_window
from app.extensions import db
from app.knowledge.models import Material
from app.locking import holds, lock_row
from app.pages.models import bump_site
from app.programme.models import Accreditation, Event, Theme, event_themes
from app.registration.models import Question, Registration
from app.timezones import utcnow

# Records that carry their event's id themselves.
_OWN_EVENT_ID = (Session, Room, Registration, AgendaChange, AgendaRelease, Accreditation,
                 Question, Material)  # fmt: skip
# What a public page shows: these and Event, SessionChoice, Speaker, Theme (tests/pages hold
# every other model to a reason it is not shown).
SHOWN = (*_OWN_EVENT_ID, Event, SessionChoice, Speaker, Theme)
# What the registration form is made of (its rondes' workshops and rooms, questions, the
# register numbers, the event's window and options) also moves `Event.form_version`;
# registrations, workshop choices, materials, speakers and themes do not.
_SHAPE_THE_FORM = (Event, Session, Room, Question, Accreditation, AgendaRelease, AgendaChange)


# Registrations count by their columns, less those no page or feed shows; their collections
# (links, check-in codes) are not shown, workshop choices are stamped through their own rows.
# Composing a new registration's mail issues its links and counts its invitation's SEQUENCE
# after the decision's commit: that must neither invalidate the event's page nor wait for the
# event's row the decisions lock.
_COLUMNS_UNSHOWN = {Registration: frozenset({"ical_sequence"})}
# The events whose counters the lock of this transaction moved (`lock_event_moving_its_places`).
_MOVED_BY_THE_LOCK = "places_moved_by_the_lock"


def _shows_a_change(obj) -> bool:
    unshown = _COLUMNS_UNSHOWN.get(type(obj))
    if unshown is None:
        return True
    columns = sa.inspect(type(obj)).column_attrs.keys()
    state = sa.inspect(obj)
    changed = {key for key in columns if state.attrs[key].history.has_changes()}
    return bool(changed - unshown)


def _touched(session: OrmSession):
    for obj in (*session.new, *session.deleted):
        yield obj
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True) and _shows_a_change(obj):
            yield obj


@sa_event.listens_for(OrmSession, "after_flush")
def _stamp_changed_events(session: OrmSession, _flush_context) -> None:
    event_ids, session_ids, speaker_ids, theme_ids = set(), set(), set(), set()
    form_ids: set[int] = set()
    places_ids: set[int] = set()
    site = False
    for obj in _touched(session):
        if isinstance(obj, _SHAPE_THE_FORM):
            form_ids.add(obj.id if isinstance(obj, Event) else obj.event_id)
        if isinstance(obj, Event):
            event_ids.add(obj.id)
            site = site or obj in session.new or obj in session.deleted
        elif isinstance(obj, Registration):  # registrations and choices move the places alone:
            places_ids.add(obj.event_id)  # the page is kept, its places filled in afresh
        elif isinstance(obj, _OWN_EVENT_ID):
            event_ids.add(obj.event_id)
        elif isinstance(obj, SessionChoice):
            session_ids.add(obj.session_id)
        elif isinstance(obj, Speaker):
            speaker_ids.add(obj.id)
        elif isinstance(obj, Theme):
            theme_ids.add(obj.id)
            site = True
    if not (event_ids or places_ids or session_ids or speaker_ids or theme_ids or site):
        return
    connection = session.connection()
    sessions = Session.__table__
    if session_ids:  # workshop choices: their sessions' events' places
        places_ids.update(connection.scalars(
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
    form_ids.discard(None)
    places_ids.discard(None)
    if event_ids or places_ids:
        stamp_events(connection, event_ids, form_ids, places_ids)
    if site:  # after the events' rows, in the order every transaction takes them
        bump_site(connection)


def stamp_events(connection, event_ids: set[int], form_ids: set[int] = frozenset(),
                 places_ids: set[int] = frozenset()) -> None:  # fmt: skip
    """One up for these events' page counters (for `form_ids` their form counters, for
    `places_ids` their places counters), in the caller's transaction: what the listener above
    does at every flush, also for the one write that goes around a flush (a new registration,
    inserted with RETURNING under the event's lock: app/registration/services.py)."""
    events = Event.__table__
    ids = set(event_ids) | set(places_ids)
    values = {"changed_at": utcnow()}
    for column, moved in (("page_version", event_ids), ("form_version", form_ids & ids),
                          ("places_version", places_ids)):  # fmt: skip
        if moved:
            one_up = events.c[column] + 1
            values[column] = one_up if moved >= ids else sa.case(
                (events.c.id.in_(sorted(moved)), one_up), else_=events.c[column]
            )  # fmt: skip
    connection.execute(events.update().where(events.c.id.in_(sorted(ids))).values(values))
    if has_app_context():
        forget_window()


def _places_move() -> dict:
    """The columns a registration's change of an event moves: when it changed, and its places
    counter."""
    return {"changed_at": utcnow(), "places_version": Event.__table__.c.places_version + 1}


def lock_event_moving_its_places(event_id: int) -> Event | None:
    """The event's lock (`lock_row`), taken by the statement that moves its places counter,
    for a registration the caller is about to write without a flush
    (`event_changed_without_a_flush` then knows nothing more is needed): one round trip fewer
    while the lock is held. Should the change not come (refused, registered already), the
    page's places are filled in once more and a feed's ETag moves (calendar apps fetch it once
    more), never one served stale; a refusal rolls it back."""
    if holds(Event, event_id):  # taken earlier in the transaction, perhaps without moving
        return lock_row(Event, event_id)
    event = lock_row(Event, event_id, changing=_places_move())
    db.session.info.setdefault(_MOVED_BY_THE_LOCK, set()).add(event_id)
    if has_app_context():
        forget_window()
    return event


def event_changed_without_a_flush(event_id: int) -> None:
    """A registration written around the flush (an INSERT … RETURNING) moves its event's
    places counter here, unless the lock that covers it moved it already."""
    if event_id not in db.session.info.get(_MOVED_BY_THE_LOCK, ()):
        stamp_events(db.session.connection(), set(), places_ids={event_id})


@sa_event.listens_for(OrmSession, "after_transaction_end")
def _forget_moved(session: OrmSession, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_MOVED_BY_THE_LOCK, None)
