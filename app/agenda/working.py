"""The working copy of an agenda: what the editor shows and changes.

A draft event's agenda is edited in place: nobody else sees it yet. Once the event is
published, `sessions` is the released agenda that the public page, feeds, mails, desk and
certificates read, and every edit goes to a SessionDraft row instead — one per session touched,
holding all its fields — until a release applies them (releases.py) or they are discarded.
Every edit takes the event's lock first, so two organisers' edits queue up and the optimistic
version check below is exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agenda import services
from app.agenda.models import (
    Room,
    Session,
    SessionDraft,
    SessionKind,
    SessionStatus,
    Speaker,
    WorkingCopy,
)
from app.agenda.reading import event_rooms, event_sessions, speakers_by_id
from app.errors import DomainError, NotFoundHere, StaleEdit, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme.models import Event

FIELDS = (*services.SESSION_FIELDS, "status")
DRAFT_VERSIONS = 10**9  # drafts count from here; a session's own version never gets this far
REACH = timedelta(days=1)  # how far from the event's hours a session may be put


@dataclass
class Item:
    """One session as the working copy has it; reads like a Session, so the agenda's rules,
    rondes and templates take either. `id` is the session's id, or "w<n>" for a session that
    exists only in the working copy."""

    id: int | str
    session: Session | None
    draft: SessionDraft | None
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    room: Room | None
    capacity: int | None
    status: str
    speakers: list[Speaker]
    version: int

    @property
    def key(self) -> str:
        return str(self.id)

    @property
    def room_id(self) -> int | None:
        return self.room.id if self.room else None

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_workshop(self) -> bool:
        return self.kind == SessionKind.WORKSHOP

    @property
    def is_new(self) -> bool:
        return self.session is None

    @property
    def effective_capacity(self) -> int | None:
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room else None


def uses_working_copy(event: Event) -> bool:
    return event.is_published


def _of_session(session: Session) -> Item:
    return Item(session.id, session, None, session.kind, session.title, session.description,
                session.starts_at, session.ends_at, session.room, session.capacity,
                session.status, list(session.speakers), session.version)  # fmt: skip


def _of_draft(draft: SessionDraft, rooms: dict, speakers: dict) -> Item:
    return Item(
        draft.session_id if draft.session_id is not None else f"w{draft.id}", draft.session, draft,
        draft.kind, draft.title, draft.description, draft.starts_at, draft.ends_at,
        rooms.get(draft.room_id), draft.capacity, draft.status,
        sorted((speakers[i] for i in draft.speaker_ids if i in speakers), key=lambda s: s.name),
        draft.version,
    )  # fmt: skip


def drafts_of(event: Event) -> list[SessionDraft]:
    return list(db.session.scalars(
        sa.select(SessionDraft).where(SessionDraft.event_id == event.id).order_by(SessionDraft.id)
    ))  # fmt: skip


def items(event: Event) -> list[Item]:
    """The agenda as the editor shows it, in time order; four queries however long it is."""
    sessions = event_sessions(event)
    if not uses_working_copy(event):
        return [_of_session(s) for s in sessions]
    drafts = drafts_of(event)
    rooms = {r.id: r for r in event_rooms(event)}
    speakers = {s.id: s for s in speakers_by_id({i for d in drafts for i in d.speaker_ids})}
    edited = {d.session_id: d for d in drafts if d.session_id is not None}
    result = [_of_draft(edited[s.id], rooms, speakers) if s.id in edited else _of_session(s)
              for s in sessions]  # fmt: skip
    result += [_of_draft(d, rooms, speakers) for d in drafts if d.session_id is None]
    return sorted(result, key=lambda i: (i.starts_at, str(i.id)))


def item_of(event: Event, key: str) -> Item:
    for item in items(event):
        if item.key == str(key):
            return item
    raise NotFoundHere()


def _next_version(event: Event) -> int:
    """The next draft version of this event: one counter per event, bumped under its lock."""
    counter = db.session.get(WorkingCopy, event.id)
    if counter is None:
        counter = WorkingCopy(event_id=event.id, edits=0)
        db.session.add(counter)
    counter.edits += 1
    return DRAFT_VERSIONS + counter.edits


def _within_reach(event: Event, details: dict) -> None:
    """A typo in a year would put a session decades away (and the editor's grid with it)."""
    for field in ("starts_at", "ends_at"):
        moment = details.get(field)
        if moment is not None and not event.starts_at - REACH <= moment <= event.ends_at + REACH:
            raise DomainError(
                _l(
                    "Een programmaonderdeel ligt op de dag van de activiteit (of vlak ervoor of erna)."
                )
            )


def _draft_for(event: Event, item: Item) -> SessionDraft:
    """The item's draft row, made from its session on the first edit."""
    if item.draft is not None:
        return item.draft
    session = item.session
    draft = SessionDraft(event_id=event.id, session_id=session.id,
                         speaker_ids=[s.id for s in session.speakers],
                         **{f: getattr(session, f) for f in FIELDS})  # fmt: skip
    db.session.add(draft)
    return draft


def _locked(event: Event) -> Event:
    """The event's lock, and everything read afresh: the edit this one waited for may have
    changed a draft's version since."""
    event = lock_row(Event, event.id, fresh=True)
    services.ensure_editable(event)
    return event


def edit(event: Event, key: str, details: dict, speakers: list[Speaker] | None = None, by=None,
         seen_version: int | None = None) -> Item:  # fmt: skip
    """An organiser's edit of one session (the form, or a drag: times and room), made on the
    state of `seen_version`. On a published event only the working copy changes."""
    event = _locked(event)
    item = item_of(event, key)
    if not uses_working_copy(event):
        _within_reach(event, details)
        services.update_session(item.session, details, speakers, by=by, seen_version=seen_version)
        return item_of(event, key)
    if seen_version is not None and seen_version != item.version:
        raise StaleEdit()
    if item.is_cancelled:
        raise StateConflict(_l("Dit programmaonderdeel is geschrapt; zet het eerst terug."))
    _within_reach(event, details)
    draft = _draft_for(event, item)
    if "room_id" in details:
        draft.room_id = _room_id(event, details["room_id"])
    for field in FIELDS:
        if field in details and field not in ("room_id", "status"):
            setattr(draft, field, details[field])
    if speakers is not None:
        draft.speaker_ids = sorted(s.id for s in speakers)
    draft.version = _next_version(event)
    db.session.flush()
    return item_of(event, key)


def _room_id(event: Event, room_id: int | None) -> int | None:
    room = services.room_for(event, room_id)
    return room.id if room else None


def move(event: Event, key: str, starts_at: datetime, ends_at: datetime, room_id: int | None,
         by=None, seen_version: int | None = None) -> Item:  # fmt: skip
    """What a drag in the editor does: new times and room, the same rules as the form."""
    return edit(event, key, {"starts_at": starts_at, "ends_at": ends_at, "room_id": room_id},
                by=by, seen_version=seen_version)  # fmt: skip


def add(event: Event, details: dict, speakers: list[Speaker] = (), by=None) -> Item:
    event = _locked(event)
    _within_reach(event, details)
    if not uses_working_copy(event):
        return _of_session(services.add_session(event, details, speakers, by=by))
    draft = SessionDraft(event_id=event.id, status=SessionStatus.SCHEDULED,
                         speaker_ids=sorted(s.id for s in speakers), version=_next_version(event))  # fmt: skip
    for field in FIELDS:
        if field in details and field not in ("room_id", "status"):
            setattr(draft, field, details[field])
    draft.room_id = _room_id(event, details.get("room_id"))
    db.session.add(draft)
    db.session.flush()
    return item_of(event, f"w{draft.id}")


def cancel(event: Event, key: str, by=None) -> None:
    """Strike a session: on a published event in the working copy (a session not yet released
    simply goes); on a draft at once."""
    event = _locked(event)
    item = item_of(event, key)
    if not uses_working_copy(event):
        services.cancel_session(item.session, by=by)
        return
    if item.is_cancelled:
        raise StateConflict(_l("Dit programmaonderdeel is al geschrapt."))
    if item.is_new:
        db.session.delete(item.draft)
    else:
        draft = _draft_for(event, item)
        draft.status, draft.version = SessionStatus.CANCELLED, _next_version(event)
    db.session.flush()


def restorable(item: Item) -> bool:
    """Cancelled in the working copy only: the release still has it."""
    return (
        item.draft is not None
        and item.is_cancelled
        and not (item.session and item.session.is_cancelled)
    )


def removal(event: Event, item: Item) -> str | None:
    """What the editor offers to take a session off the agenda (or back on): 'delete' on a
    draft and for what was never released, 'cancel' for a released session (it stays visible
    as cancelled), 'restore' for a cancellation not yet released; None when nothing is left."""
    if item.is_cancelled:
        return "restore" if restorable(item) else None
    return "delete" if event.is_draft or item.is_new else "cancel"


def restore(event: Event, key: str) -> None:
    """Undo a cancellation that is still only in the working copy."""
    event = _locked(event)
    item = item_of(event, key)
    if not restorable(item):
        raise StateConflict(_l("Alleen een schrapping die nog niet is gepubliceerd kan terug."))
    item.draft.status, item.draft.version = SessionStatus.SCHEDULED, _next_version(event)
    db.session.flush()


def delete(event: Event, key: str) -> None:
    """Delete: any session of a draft; on a published event only what was never released (the
    released ones stay visible as cancelled, for the people and calendars that had them)."""
    event = _locked(event)
    item = item_of(event, key)
    if not uses_working_copy(event):
        services.delete_session(item.session)
        return
    if not item.is_new:
        raise StateConflict(
            _l("In een gepubliceerd programma kunt u een onderdeel alleen schrappen.")
        )
    db.session.delete(item.draft)
    db.session.flush()


def discard(event: Event) -> int:
    """'Wijzigingen verwerpen': the working copy is the release again."""
    event = lock_row(Event, event.id, fresh=True)
    drafts = drafts_of(event)
    for draft in drafts:
        db.session.delete(draft)
    db.session.flush()
    return len(drafts)
