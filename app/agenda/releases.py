"""Releasing a published agenda's working copy: the summary of differences against the
release (computed from the two states, never logged per keystroke: thirteen presses on one
session are one line), and publishing it — applied through the agenda's own services in one
transaction, so capacities and waiting lists follow the same rules as any edit, and everyone
affected gets one mail with their updated calendar."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.agenda import changes, services, working
from app.agenda.models import AgendaChange, AgendaRelease, SessionKind
from app.agenda.reading import choices_by_registration, conflicts, workshop_counts
from app.agenda.rules import ERROR
from app.errors import StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus

FIRST_RELEASE = 2  # version 1 is the agenda as the event was first published


class ReleaseRefused(StateConflict):
    """The working copy has conflicts that would reach the public agenda."""

    def __init__(self, found):
        self.conflicts = found
        super().__init__(
            _l("Deze wijzigingen kunnen niet worden gepubliceerd: los eerst de conflicten op.")
        )


@dataclass
class Difference:
    """One session's net change against the release."""

    item: working.Item
    what: str  # added, cancelled, moved, room, changed
    before: dict
    after: dict
    affected: int


def _what(item: working.Item, before: dict, after: dict) -> str:
    if item.is_new:
        return "added"
    if after["status"] != before["status"]:
        return "cancelled" if item.is_cancelled else "changed"
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        return "moved"
    return "room" if before["room"] != after["room"] else "changed"


def _concerns_everyone(before: dict, after: dict) -> bool:
    """Plenary sessions and breaks are on everyone's day; a workshop only on its choosers'."""
    return any(side and side["kind"] != SessionKind.WORKSHOP for side in (before, after))


def differences(event: Event, current: list[working.Item] | None = None) -> list[Difference]:
    """The working copy against the release, one Difference per changed session, in time
    order, each with how many registrants it concerns."""
    current = working.items(event) if current is None else current
    found = []
    for item in current:
        if item.draft is None:
            continue
        before = changes.describe(item.session) if item.session is not None else {}
        after = changes.describe(item)
        if before != after and not (item.is_new and item.is_cancelled):
            found.append(Difference(item, _what(item, before, after), before, after, 0))
    if found:
        everyone = _confirmed(event)
        counts = workshop_counts(event)
        for d in found:
            mine = counts.get(d.item.id, {}) if not d.item.is_new else {}
            d.affected = (everyone if _concerns_everyone(d.before, d.after)
                          else mine.get("confirmed", 0) + mine.get("waitlisted", 0))  # fmt: skip
    return found


def _confirmed(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
    )  # fmt: skip


def blockers(event: Event, current: list[working.Item] | None = None) -> list:
    """What keeps the working copy from being released: its errors (warnings do not)."""
    current = working.items(event) if current is None else current
    return [c for c in conflicts(event, current) if c.severity == ERROR]


def _apply(event: Event, item: working.Item, by):
    """The working copy's version of one session, made real by the agenda's services."""
    details = {f: getattr(item, f) for f in services.SESSION_FIELDS if f != "room_id"}
    details["room_id"] = item.room_id
    if item.is_new:
        return services.add_session(event, details, item.speakers, by=by)
    session = item.session
    session.ical_sequence += 1  # calendars replace their copy; set first: one UPDATE
    services.update_session(session, details, item.speakers, by=by, tell=False)
    if item.is_cancelled and not session.is_cancelled:
        services.cancel_session(session, by=by, tell=False)
    return session


def ensure_releasable(event: Event) -> None:
    if not working.uses_working_copy(event):
        raise StateConflict(
            _l("Alleen het programma van een gepubliceerde activiteit krijgt versies.")
        )


def publish(event: Event, note: str = "", by=None) -> AgendaRelease:
    """'Wijzigingen publiceren': refused while there are conflicts; otherwise a new release with
    its lines, the sessions changed, the working copy emptied and each affected registrant
    mailed once — all in the caller's transaction, under the event's lock."""
    event = lock_row(Event, event.id)
    ensure_releasable(event)
    current = working.items(event)
    refused = blockers(event, current)
    if refused:
        raise ReleaseRefused(refused)
    found = differences(event, current)
    if not found:
        raise StateConflict(_l("Er zijn geen wijzigingen om te publiceren."))
    chosen = choices_by_registration(event)  # before: a cancelled workshop's choosers count too
    last = db.session.scalar(sa.select(sa.func.max(AgendaRelease.number))
                             .where(AgendaRelease.event_id == event.id))  # fmt: skip
    release = AgendaRelease(event_id=event.id, number=(last or FIRST_RELEASE - 1) + 1,
                            note=(note or "").strip()[:1000], released_by_id=getattr(by, "id", None))  # fmt: skip
    db.session.add(release)
    db.session.flush()
    for difference in found:
        session = _apply(event, difference.item, by)
        db.session.add(AgendaChange(
            event_id=event.id, session_id=session.id, what=difference.what, release_id=release.id,
            before=difference.before, after=difference.after, changed_by_id=getattr(by, "id", None),
        ))  # fmt: skip
    working.discard(event)
    release.mailed = changes.announce_changes(event, chosen, release.note)
    db.session.flush()
    return release


def releases_of(event: Event) -> list[AgendaRelease]:
    """Newest first, each with its lines."""
    return list(db.session.scalars(
        sa.select(AgendaRelease).where(AgendaRelease.event_id == event.id)
        .options(so.selectinload(AgendaRelease.lines).joinedload(AgendaChange.session))
        .order_by(AgendaRelease.number.desc())
    ))  # fmt: skip


def current_version(event: Event) -> int:
    number = db.session.scalar(sa.select(sa.func.max(AgendaRelease.number))
                               .where(AgendaRelease.event_id == event.id))  # fmt: skip
    return number or 1
