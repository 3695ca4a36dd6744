"""Changes to a published agenda: recorded (what, before, after, when, by whom), shown on the
event page, and announced to the people they affect in one summary per batch."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.agenda import notifications
from app.agenda.models import AgendaChange, Session, SessionKind
from app.agenda.reading import changes_for, choices_by_registration
from app.extensions import db
from app.locking import lock_row
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus
from app.timezones import utcnow


def describe(session: Session) -> dict:
    """What a change record keeps of a session: enough to say what it was."""
    return {
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room else None,
        "kind": session.kind,
        "status": session.status,
    }


def record(event: Event, session: Session | None, what: str, before: dict, after: dict, by,
           *, announced: bool = False) -> None:  # fmt: skip
    """Changes to a published agenda are kept, shown and announced; drafts change freely.
    `announced`: the people concerned are told by another mail already (a rescheduled event)."""
    if not event.is_published:
        return
    if session is not None:
        session.ical_sequence += 1
    db.session.add(
        AgendaChange(
            event_id=event.id,
            session_id=session.id if session else None,
            what=what,
            before=before,
            after=after,
            changed_by_id=getattr(by, "id", None),
            notified_at=utcnow() if announced else None,
        )  # fmt: skip
    )


def pending_changes(event: Event) -> list[AgendaChange]:
    return [c for c in changes_for(event) if c.notified_at is None]


def announce_changes(event: Event) -> int:
    """Send one summary per affected registrant for all changes not yet announced: everyone
    with a place for plenary sessions and breaks, those who chose it for a workshop.

    Exactly once, also when pressed twice at once: the event's lock is taken before the
    pending changes are read, so a second run waits and then finds nothing pending."""
    event = lock_row(Event, event.id)
    changes = list(reversed(pending_changes(event)))
    if not changes:
        return 0
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .options(so.joinedload(Registration.participant))
        )
    )
    chosen = choices_by_registration(event)
    sent = 0
    for registration in registrations:
        mine = chosen.get(registration.id, set())
        relevant = [c for c in changes if c.session is None or c.session.kind != SessionKind.WORKSHOP
                    or c.session_id in mine]  # fmt: skip
        if relevant:
            notifications.agenda_changed(registration, relevant)
            sent += 1
    now = utcnow()
    for change in changes:
        change.notified_at = now
    db.session.flush()
    return sent
