"""Changes to a published agenda: recorded (what, before, after, when, by whom) by a release
(releases.py) or a rescheduled event, shown on the event page, and announced to the people
they affect in one mail per batch."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.agenda import notifications
from app.agenda.models import AgendaChange, Session, SessionKind
from app.agenda.reading import changes_for, choices_by_registration
from app.extensions import db
from app.locking import lock_row
from app.programme import lifecycle
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus
from app.timezones import utcnow


def describe(session) -> dict:
    """What a change record keeps of a session (or a working-copy item): everything the public
    sees of it, so that two equal descriptions mean nothing visible changed."""
    return {
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room else None,
        "kind": session.kind,
        "status": session.status,
        "speakers": [s.name for s in sorted(session.speakers, key=lambda s: (s.name, s.id))],
        "capacity": session.capacity,
        "description": session.description,
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


def concerns_everyone(before: dict, after: dict) -> bool:
    """Plenary sessions and breaks (before or after a change) are on everyone's day; a
    workshop only on the day of those who chose it or wait for it."""
    return any(side and side.get("kind") != SessionKind.WORKSHOP for side in (before, after))


def _concerns(change: AgendaChange, mine: set[int]) -> bool:
    if change.session_id is None or concerns_everyone(change.before, change.after):
        return True
    return change.session_id in mine


def announce_changes(event: Event, chosen: dict[int, set[int]] | None = None, note: str = "",
                     placed: dict[int, list[str]] | None = None) -> int:  # fmt: skip
    """Send one summary per affected registrant for all changes not yet announced. `chosen`:
    the workshop choices as they were before the changes (a cancelled workshop's choices are
    gone by now, its choosers are still to be told). `note`: the release's, said in the mail.
    `placed`: per registration, the workshops the changes gave them a place in (said in the
    same mail). Once the event is over nobody is told after the fact: the changes are only
    marked as announced.

    Exactly once, also when run twice at once: the event's lock is taken before the pending
    changes are read, so a second run waits and then finds nothing pending."""
    event = lock_row(Event, event.id)
    changes = list(reversed(pending_changes(event)))
    if not changes or lifecycle.phase(event) == lifecycle.Phase.OVER:
        _mark_announced(changes)
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
    chosen = choices_by_registration(event) if chosen is None else chosen
    placed = placed or {}
    may_choose = lifecycle.places_may_move(event)
    sent = 0
    for registration in registrations:
        mine = chosen.get(registration.id, set())
        relevant = [c for c in changes if _concerns(c, mine)]
        if relevant:
            notifications.agenda_changed(registration, relevant, note,
                                         placed.get(registration.id, []), may_choose)  # fmt: skip
            sent += 1
    _mark_announced(changes)
    return sent


def _mark_announced(changes: list[AgendaChange]) -> None:
    now = utcnow()
    for change in changes:
        change.notified_at = now
    db.session.flush()
