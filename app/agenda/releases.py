"""Releasing a published agenda's working copy: the summary of differences against the
release (computed from the two states, never logged per keystroke: thirteen presses on one
session are one line), and publishing it — applied through the agenda's own services in one
transaction, so capacities and waiting lists follow the same rules as any edit, and everyone
affected gets one mail with their updated calendar."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.agenda import changes, services, working
from app.agenda.models import AgendaChange, AgendaRelease, ChoiceStatus, Session, SessionChoice
from app.agenda.reading import choices_by_registration, conflicts, workshop_counts
from app.agenda.rules import ERROR
from app.errors import StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus


class NothingToRelease(StateConflict):
    def __init__(self):
        super().__init__(_l("Er zijn geen wijzigingen om te publiceren."))


class SummaryChanged(StateConflict):
    """Someone changed the working copy after the summary was shown."""

    def __init__(self):
        super().__init__(_l("Intussen is de werkversie gewijzigd. Bekijk de wijzigingen opnieuw."))


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
            d.affected = (everyone if changes.concerns_everyone(d.before, d.after)
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


def publish(event: Event, note: str = "", by=None, seen: str | None = None) -> AgendaRelease:
    """'Wijzigingen publiceren': refused while there are conflicts; otherwise a new release with
    its lines, the sessions changed, the working copy emptied and each affected registrant
    mailed once — all in the caller's transaction, under the event's lock. `seen`: the
    fingerprint of the summary the organiser confirmed."""
    event = lock_row(Event, event.id, fresh=True)  # what an edit it waited for saved counts
    ensure_releasable(event)
    current = working.items(event)
    refused = blockers(event, current)
    if refused:
        raise ReleaseRefused(refused)
    found = differences(event, current)
    if not found:
        raise NothingToRelease()
    if seen is not None and seen != fingerprint(found):
        raise SummaryChanged()
    chosen = choices_by_registration(event)  # before: a cancelled workshop's choosers count too
    waiting = _waiting(event)
    release = AgendaRelease(event_id=event.id, number=current_version(event) + 1,
                            note=note.strip(), released_by_id=getattr(by, "id", None))  # fmt: skip
    db.session.add(release)
    db.session.flush()
    for difference in found:
        session = _apply(event, difference.item, by)
        db.session.add(AgendaChange(
            event_id=event.id, session_id=session.id, what=difference.what, release_id=release.id,
            before=difference.before, after=difference.after, changed_by_id=getattr(by, "id", None),
        ))  # fmt: skip
    working.discard(event)
    release.mailed = changes.announce_changes(event, chosen, release.note, _placed(event, waiting))
    db.session.flush()
    return release


def _waiting(event: Event) -> set[tuple[int, int]]:
    return set(map(tuple, db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.session_id).join(Session)
        .where(Session.event_id == event.id, SessionChoice.status == ChoiceStatus.WAITLISTED)
    )))  # fmt: skip


def _placed(event: Event, waiting: set[tuple[int, int]]) -> dict[int, list[str]]:
    """Who the release moved up from a workshop's waiting list: told in its one mail."""
    placed: dict[int, list[str]] = {}
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.session_id, Session.title).join(Session)
        .where(Session.event_id == event.id, SessionChoice.status == ChoiceStatus.CONFIRMED)
    )  # fmt: skip
    for registration_id, session_id, title in rows:
        if (registration_id, session_id) in waiting:
            placed.setdefault(registration_id, []).append(title)
    return placed


def fingerprint(found: list[Difference]) -> str:
    """What the organiser saw on the publish (or discard) page: confirming acts on exactly
    that, not on what someone else added since."""
    shown = [(d.item.key, d.before, d.after) for d in found]
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()[:32]


def discard(event: Event, seen: str | None = None) -> int:
    """'Wijzigingen verwerpen', of exactly what the organiser was shown (`seen`)."""
    event = lock_row(Event, event.id, fresh=True)
    ensure_releasable(event)
    if seen is not None and seen != fingerprint(differences(event)):
        raise SummaryChanged()
    return working.discard(event)


def absorb(event: Event, found: list[Difference]) -> None:
    """An event back to draft (nobody registered, nobody to tell): its working copy's
    differences, read while it was still published, become the agenda itself, as a draft's
    edits are — nothing the organiser did is lost, or resurfaces at the next publication."""
    for difference in found:
        _apply(event, difference.item, None)
    working.discard(event)


def releases_of(event: Event) -> list[AgendaRelease]:
    """Newest first, each with its lines."""
    return list(db.session.scalars(
        sa.select(AgendaRelease).where(AgendaRelease.event_id == event.id)
        .options(so.selectinload(AgendaRelease.lines).joinedload(AgendaChange.session))
        .order_by(AgendaRelease.number.desc())
    ))  # fmt: skip


def current_version(event: Event) -> int:
    """The public agenda's version: 1 as first published, then each release's number."""
    number = db.session.scalar(sa.select(sa.func.max(AgendaRelease.number))
                               .where(AgendaRelease.event_id == event.id))  # fmt: skip
    return number or 1
