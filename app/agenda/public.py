"""The agenda as the public sees it (single sessions, and rondes side by side) and the
attendance lists organisers hand to session leaders."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value

from app.agenda import rules
from app.agenda.models import (
    AgendaChange,
    AgendaRelease,
    ChoiceStatus,
    Session,
    SessionChoice,
    SessionKind,
    Speaker,
)
from app.agenda.reading import event_sessions, workshop_counts
from app.extensions import db
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus


@dataclass
class PublicAgenda:
    """The agenda as the event page shows it: single sessions, and rondes side by side."""

    items: list  # ("session", Session) or ("ronde", number, Ronde)
    rondes: list[rules.Ronde]
    counts: dict[int, dict[str, int]]
    changes: list[AgendaChange]  # outside any release: a rescheduled event, older records
    cancelled: list[Session]
    releases: list[AgendaRelease] = None
    speakers: list[Speaker] = None

    def __post_init__(self):
        if self.speakers is None:
            seen = {}
            for item in self.items:
                sessions = [item[1]] if item[0] == "session" else item[2].workshops
                for session in sessions:
                    for speaker in session.speakers:
                        seen.setdefault(speaker.id, speaker)
            self.speakers = sorted(seen.values(), key=lambda s: s.name)


def public_agenda(event: Event, *, with_changes: bool = True) -> PublicAgenda:
    """Built from a few queries (sessions with rooms and speakers, choice counts, changes,
    releases with their lines), whatever the number of sessions. `with_changes=False`: for a
    posted form, which shows no changes (one query less per registration)."""
    sessions = event_sessions(event)
    scheduled = [s for s in sessions if not s.is_cancelled]
    rondes = rules.rondes(scheduled)
    ronde_of = {w.id: (n, r) for n, r in enumerate(rondes, start=1) for w in r.workshops}
    items, shown = [], set()
    for session in scheduled:
        if session.id in ronde_of:
            number, ronde = ronde_of[session.id]
            if number not in shown:
                shown.add(number)
                items.append(("ronde", number, ronde))
        else:
            items.append(("session", session))
    changes, releases = _changes_and_releases(event) if sessions and with_changes else ([], [])
    return PublicAgenda(items, rondes, workshop_counts(event) if rondes else {}, changes,
                        [s for s in sessions if s.is_cancelled], releases)  # fmt: skip


def _changes_and_releases(event: Event) -> tuple[list[AgendaChange], list[AgendaRelease]]:
    """The changes not (yet) in a release, and the releases newest first each with its lines,
    in one query: every release has lines (an empty one is refused), so the releases come
    with their changes, and the lines are handed to them rather than loaded per release."""
    changes = list(db.session.scalars(
        sa.select(AgendaChange).where(AgendaChange.event_id == event.id)
        .options(so.joinedload(AgendaChange.session), so.joinedload(AgendaChange.release))
        .order_by(AgendaChange.changed_at.desc(), AgendaChange.id.desc())
    ))  # fmt: skip
    lines: dict[int, list[AgendaChange]] = {}
    for change in sorted(changes, key=lambda c: c.id):
        if change.release is not None:
            lines.setdefault(change.release.id, []).append(change)
    releases = sorted({c.release for c in changes if c.release is not None},
                      key=lambda r: r.number, reverse=True)  # fmt: skip
    for release in releases:
        set_committed_value(release, "lines", lines[release.id])
    return [c for c in changes if c.release_id is None], releases


def attendance(session: Session) -> list[Registration]:
    """The signature list of a session, by name: for a workshop those with a confirmed place
    in it (its waiting list signs nowhere); for the rest everyone with a place at the event."""
    query = (
        sa.select(Registration)
        .where(
            Registration.event_id == session.event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .options(so.joinedload(Registration.participant))
    )
    if session.kind == SessionKind.WORKSHOP:
        query = query.join(SessionChoice).where(
            SessionChoice.session_id == session.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
        )
    return sorted(db.session.scalars(query), key=lambda r: (r.name.casefold(), r.id))
