"""Subscription feeds: the programme, a theme, an event, and a person's own.

Each feed is described first by its validators — a Last-Modified and a strong ETag derived
from `Event.changed_at` (app/calendar/stamps.py) with one small query — so a client that
already has the latest version gets a 304 without any calendar being built. Only then, if
needed, are the entries read and rendered.

What a feed holds: published events from three months ago on; a cancelled event or session
stays for 30 days after its cancellation, marked cancelled, then leaves. Time passing changes
a feed too (something leaves it), so those moments count as modifications as well."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.agenda.models import AgendaChange, ChoiceStatus, Room, Session, SessionKind, SessionStatus
from app.agenda.reading import workshops_of
from app.calendar.ics import AgendaState, calendar, event_entry, session_entry
from app.extensions import db
from app.links import external_url, host
from app.programme.models import Event, EventStatus, Theme
from app.registration.models import Participant, Registration, RegistrationStatus
from app.timezones import utcnow

# Part of every ETag: raise it when what a feed says changes shape, so clients fetch again.
FORMAT = "1"
KEEP_CANCELLED = timedelta(days=30)
HISTORY = relativedelta(months=3)
PUBLIC = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class Feed:
    key: str  # "programme", "theme-3", "event-12", "person-7": part of the ETag
    name: Callable[[], str]  # asked only when the body is built: a 304 translates nothing
    language: str
    private: bool
    last_modified: datetime
    entries: Callable[[], list]
    description: str = ""

    @property
    def etag(self) -> str:
        seed = f"{FORMAT}|{self.key}|{self.language}|{self.last_modified.isoformat()}"
        return hashlib.sha256(seed.encode()).hexdigest()[:32]

    def body(self) -> bytes:
        with force_locale(self.language):
            entries = self.entries()
            return calendar(
                entries, method="PUBLISH", name=self.name(), description=self.description
            ).to_ical()


# --- what is in a feed ---------------------------------------------------------------------


def _still_shown(now: datetime):
    """Events a feed shows: public, not long past, not cancelled more than 30 days ago."""
    return sa.and_(
        Event.status.in_(PUBLIC),
        Event.starts_at >= now - HISTORY,
        sa.or_(Event.cancelled_at.is_(None), Event.cancelled_at >= now - KEEP_CANCELLED),
    )


def _window_statement(*where) -> sa.Select:
    """The four moments `_window_modified` takes the latest of, for the events `where` picks;
    the cut-offs are parameters, so the statement for the whole window is built only once."""
    cutoff, cancel_cutoff = sa.bindparam("cutoff"), sa.bindparam("cancel_cutoff")
    changed = sa.select(sa.func.max(Event.changed_at)).where(Event.starts_at >= cutoff, *where)
    left_window = sa.select(sa.func.max(Event.starts_at)).where(Event.starts_at < cutoff, *where)
    left_cancelled = sa.select(sa.func.max(Event.cancelled_at)).where(
        Event.starts_at >= cutoff, Event.cancelled_at < cancel_cutoff, *where
    )
    session_left = (
        sa.select(sa.func.max(Session.cancelled_at))
        .join(Event, Session.event_id == Event.id)
        .where(Event.starts_at >= cutoff, Session.cancelled_at < cancel_cutoff, *where)
    )
    return sa.select(
        changed.scalar_subquery(),
        left_window.scalar_subquery(),
        left_cancelled.scalar_subquery(),
        session_left.scalar_subquery(),
    )  # fmt: skip


_WHOLE_WINDOW = _window_statement()
# Most requests for a feed are revalidations. The whole window's validators (programme and
# theme feeds) are kept this long per app and process: clients are told max-age=300 anyway,
# and a change made in this process forgets them at once (app/calendar/stamps.py).
WINDOW_KEPT = timedelta(seconds=5)


def _window_modified(now: datetime, *where) -> datetime:
    """The last moment any feed over these events changed: an event in the window changed,
    or an event (or cancelled session) left because time passed."""
    statement = _window_statement(*where) if where else _WHOLE_WINDOW
    cutoffs = {"cutoff": now - HISTORY, "cancel_cutoff": now - KEEP_CANCELLED}
    row = db.session.execute(statement, cutoffs).one()
    moments = [_aware(row[0])]
    if row[1] is not None:
        moments.append(_aware(row[1]) + HISTORY)
    moments += [_aware(moment) + KEEP_CANCELLED for moment in row[2:] if moment is not None]
    return max(filter(None, moments), default=EPOCH)


def _whole_window_modified(now: datetime) -> datetime:
    kept = current_app.extensions.get("calendar.window")
    if kept is not None and timedelta(0) <= now - kept[0] < WINDOW_KEPT:
        return kept[1]
    modified = _window_modified(now)
    current_app.extensions["calendar.window"] = (now, modified)
    return modified


def forget_window() -> None:
    """Something in the window changed: the next request asks the database again."""
    current_app.extensions.pop("calendar.window", None)


def _aware(moment: datetime | None) -> datetime | None:
    # Aggregates bypass the column type: SQLite hands back a naive UTC value (or a string).
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _agenda_states(events: list[Event]) -> dict[int, AgendaState]:
    """For each event: its scheduled sessions, and how often its agenda changed."""
    ids = [event.id for event in events]
    if not ids:
        return {}
    sessions = defaultdict(list)
    # Only what a description line shows: plain rows cost a fraction of Session and Room objects.
    for event_id, *line in db.session.execute(
        sa.select(Session.event_id, Session.starts_at, Session.ends_at, Session.title, Room.name)
        .outerjoin(Room, Session.room_id == Room.id)
        .where(Session.event_id.in_(ids), Session.status == SessionStatus.SCHEDULED)
        .order_by(Session.starts_at, Session.id)
    ):
        sessions[event_id].append(tuple(line))
    revisions = {
        event_id: (count, _aware(last))
        for event_id, count, last in db.session.execute(
            sa.select(AgendaChange.event_id, sa.func.count(), sa.func.max(AgendaChange.changed_at))
            .where(AgendaChange.event_id.in_(ids))
            .group_by(AgendaChange.event_id)
        )
    }
    return {
        event_id: AgendaState(tuple(sessions[event_id]), *revisions.get(event_id, (0, None)))
        for event_id in ids
    }


def _event_url(event: Event) -> str:
    return external_url("programme.event", slug=event.slug)


def _event_entries(events: list[Event]) -> list:
    states, domain = _agenda_states(events), host()
    return [
        event_entry(event, host=domain, url=_event_url(event), agenda=states[event.id])
        for event in events
    ]


def _shown_events(now: datetime, *where) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(_still_shown(now), *where).order_by(Event.starts_at, Event.id)
        )
    )


def _organisation() -> str:
    return current_app.config["ORGANISATION_NAME"]


# --- the four feeds ------------------------------------------------------------------------


def programme_feed(language: str) -> Feed:
    now = utcnow()

    def name() -> str:
        return _("%(organisation)s – programma", organisation=_organisation())

    return Feed("programme", name, language, False, _whole_window_modified(now),
                lambda: _event_entries(_shown_events(now)))  # fmt: skip


def theme_feed(theme: Theme, language: str) -> Feed:
    now = utcnow()
    in_theme = Event.themes.any(Theme.id == theme.id)

    def name() -> str:
        return _("%(theme)s – %(organisation)s", theme=theme.name, organisation=_organisation())

    # Validated over the whole window: an event that leaves the theme changes this feed too.
    return Feed(f"theme-{theme.id}", name, language, False, _whole_window_modified(now),
                lambda: _event_entries(_shown_events(now, in_theme)),
                description=theme.description)  # fmt: skip


def event_feed(event: Event, language: str) -> Feed:
    """The event and, when it has an agenda, its sessions (breaks are in its description)."""
    now = utcnow()

    def entries():
        shown = _shown_events(now, Event.id == event.id)
        if not shown:
            return []
        domain, url = host(), _event_url(event)
        sessions = db.session.scalars(
            sa.select(Session)
            .where(
                Session.event_id == event.id,
                Session.kind != SessionKind.BREAK,
                sa.or_(
                    Session.cancelled_at.is_(None), Session.cancelled_at >= now - KEEP_CANCELLED
                ),
            )
            .options(so.joinedload(Session.room), so.selectinload(Session.speakers))
            .order_by(Session.starts_at, Session.id)
        )
        return _event_entries(shown) + [session_entry(s, host=domain, url=url) for s in sessions]

    modified = _window_modified(now, Event.id == event.id)
    title = event.title
    return Feed(f"event-{event.id}", lambda: title, language, False, modified, entries)


def personal_feed(participant: Participant, language: str) -> Feed:
    """The events where this person has a place (with their workshops) or waits (marked
    tentative, "Wachtlijst: " before the title). Nobody else's data is in it."""
    now = utcnow()
    mine = Event.id.in_(
        sa.select(Registration.event_id).where(Registration.participant_id == participant.id)
    )

    def entries():
        registrations = db.session.scalars(
            sa.select(Registration)
            .join(Event)
            .where(
                Registration.participant_id == participant.id,
                Registration.status != RegistrationStatus.CANCELLED,
                _still_shown(now),
            )
            .options(so.contains_eager(Registration.event))
            .order_by(Event.starts_at, Event.id)
        ).all()
        events = [r.event for r in registrations]
        states, domain, result = _agenda_states(events), host(), []
        for registration in registrations:
            event, url = registration.event, _event_url(registration.event)
            result.append(event_entry(event, host=domain, url=url, agenda=states[event.id],
                                      tentative=registration.is_waitlisted,
                                      online_link=registration.online_link is not None))  # fmt: skip
            if not registration.is_confirmed:
                continue
            for choice in workshops_of(registration.id):
                if choice.session.is_cancelled:
                    continue  # their choice ended with it; the mail told them
                waiting = choice.position if choice.status == ChoiceStatus.WAITLISTED else None
                result.append(session_entry(choice.session, host=domain, url=url, waiting=waiting))
        return result

    def name() -> str:
        return _("Mijn activiteiten – %(organisation)s", organisation=_organisation())

    modified = _window_modified(now, mine)
    return Feed(f"person-{participant.id}", name, language, True, modified, entries)
