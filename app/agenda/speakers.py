"""Speakers are kept across events, so one organiser's edit shows on another's event page.
Who may edit a speaker: admins, whoever added them, and the organisers of a published (or
cancelled) event where they lead a session; every edit is recorded. Their e-mail address is for those people only."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agenda.models import Session, Speaker, SpeakerEdit, session_speakers
from app.errors import NotAllowed, NotFoundHere
from app.extensions import db
from app.programme.models import Event, EventStatus, event_organisers

SPEAKER_FIELDS = ("name", "organisation", "bio", "email")


def _editable_ids(user) -> set[int]:
    """The speakers `user` may edit (not used for admins, who may edit all)."""
    # Only events the public has seen them at: putting a speaker in one's own draft must not
    # be a way to their address.
    via_events = (
        sa.select(session_speakers.c.speaker_id)
        .join(Session, Session.id == session_speakers.c.session_id)
        .join(Event, Event.id == Session.event_id)
        .join(event_organisers, event_organisers.c.event_id == Session.event_id)
        .where(event_organisers.c.user_id == user.id, Event.status != EventStatus.DRAFT)
    )
    added = sa.select(Speaker.id).where(Speaker.created_by_id == user.id)
    return set(db.session.scalars(via_events.union(added)))


def may_edit(user, speaker: Speaker) -> bool:
    if not user.is_authenticated or not user.may_organise:
        return False
    return user.is_admin or speaker.id in _editable_ids(user)


def editable_by(user) -> set[int] | None:
    """Ids of the speakers `user` may edit and see the address of; None means all (admin)."""
    return None if user.is_admin else _editable_ids(user)


def speaker_of(speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise NotFoundHere()
    return speaker


def speaker_for_edit(user, speaker_id: int) -> Speaker:
    speaker = speaker_of(speaker_id)
    if not may_edit(user, speaker):
        raise NotAllowed(
            _l(
                "Deze spreker bewerken de organisatoren van de activiteiten waar hij of zij spreekt."
            )
        )
    return speaker


def _snapshot(speaker: Speaker) -> dict:
    return {field: getattr(speaker, field) or "" for field in SPEAKER_FIELDS}


def save_speaker(details: dict, speaker: Speaker | None = None, by=None) -> Speaker:
    """A new speaker (added by `by`), or an edit of one, recorded with who made it."""
    is_new = speaker is None
    speaker = speaker or Speaker(created_by_id=getattr(by, "id", None))
    before = {} if is_new else _snapshot(speaker)
    for field in SPEAKER_FIELDS:
        if field in details:
            setattr(speaker, field, (details[field] or "").strip())
    db.session.add(speaker)
    db.session.flush()
    after = _snapshot(speaker)
    if not is_new and before != after:
        db.session.add(SpeakerEdit(speaker_id=speaker.id, changed_by_id=getattr(by, "id", None),
                                   before=before, after=after))  # fmt: skip
        db.session.flush()
    return speaker


def edits_of(speaker: Speaker) -> list[SpeakerEdit]:
    return list(
        db.session.scalars(
            sa.select(SpeakerEdit)
            .where(SpeakerEdit.speaker_id == speaker.id)
            .order_by(SpeakerEdit.changed_at.desc(), SpeakerEdit.id.desc())
        )
    )
