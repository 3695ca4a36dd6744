"""What the public API reads: the events the public may see, with the facts computed about
them by the capabilities that own those facts (places left by registration, workshop places
and rondes by the agenda, whether one can register by the lifecycle). Nothing here knows HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from app.agenda import reading as agenda_reading
from app.agenda import rules as agenda_rules
from app.agenda.models import Room, Session, SessionKind
from app.errors import NotFoundHere
from app.extensions import db
from app.programme import services as programme
from app.programme.models import Event, Theme
from app.registration import services as registration
from app.timezones import AMSTERDAM

# Dates outside these are clamped: no event lies there, and year 1 or 9999 would overflow
# when turned into a moment in UTC.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class EventFilters:
    theme: Theme | None = None
    kind: str | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class EventFacts:
    event: Event
    places_left: int | None
    registration_open: bool


@dataclass(frozen=True)
class SessionFacts:
    session: Session
    ronde: int | None
    places_left: int | None


@dataclass(frozen=True)
class EventDetail(EventFacts):
    sessions: list[SessionFacts]
    rooms: list[Room]


@dataclass(frozen=True)
class EventsPage:
    events: list[EventFacts]
    total: int
    page: int
    per_page: int

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))


def theme_for_filter(slug: str) -> Theme:
    """The theme to filter on. One that does not exist is a 404 with a message, so a typo in
    an embed is found at once rather than showing an empty list forever."""
    try:
        return programme.theme_by_slug(slug)
    except NotFound:
        raise NotFoundHere(_l("Er is geen thema met de slug %(slug)s.", slug=slug)) from None


def _start_of(day: date, *, days_later: int = 0) -> datetime:
    day = min(max(day, EARLIEST_DAY), LATEST_DAY) + timedelta(days=days_later)
    # Midnight always exists in Amsterdam (the clocks change at 02.00 and 03.00).
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def _events_query(filters: EventFilters) -> sa.Select:
    if filters.first_day is None and filters.last_day is None:
        # No dates: what the programme page lists, so the two never disagree.
        return programme.upcoming_events(filters.theme, filters.kind)
    query = (
        sa.select(Event)
        .where(Event.status.in_(programme.PUBLIC_STATUSES))
        .options(so.selectinload(Event.themes))
        .order_by(Event.starts_at, Event.id)
    )
    if filters.theme is not None:
        query = query.where(Event.themes.any(Theme.id == filters.theme.id))
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    # Half-open days: an event takes place on a day when it overlaps it at all.
    if filters.first_day is not None:
        query = query.where(Event.ends_at > _start_of(filters.first_day))
    if filters.last_day is not None:
        query = query.where(Event.starts_at < _start_of(filters.last_day, days_later=1))
    return query


def facts_of(event: Event) -> EventFacts:
    return EventFacts(
        event=event,
        places_left=registration.seats_left(event),
        registration_open=registration.registration_closed_reason(event) is None,
    )


def events_page(filters: EventFilters, page: int, per_page: int) -> EventsPage:
    """One page of public events, soonest first. A page past the last is empty, not an error."""
    pagination = db.paginate(
        _events_query(filters), page=page, per_page=per_page, error_out=False, count=True
    )
    # seats_left counts per event with a capacity: at most per_page small indexed counts.
    events = [facts_of(event) for event in pagination.items]
    return EventsPage(events=events, total=pagination.total or 0, page=page, per_page=per_page)


def event_detail(slug: str) -> EventDetail:
    """A published or cancelled event with its agenda; a draft does not exist for the API."""
    try:
        event = programme.public_event(slug)
    except NotFound:
        raise NotFoundHere(_l("Er is geen openbare activiteit met deze slug.")) from None
    sessions = agenda_reading.event_sessions(event)
    scheduled = [s for s in sessions if not s.is_cancelled]
    ronde_of = {
        workshop.id: number
        for number, ronde in enumerate(agenda_rules.rondes(scheduled), start=1)
        for workshop in ronde.workshops
    }
    counts = agenda_reading.workshop_counts(event) if ronde_of else {}
    facts = facts_of(event)
    return EventDetail(
        event=event,
        places_left=facts.places_left,
        registration_open=facts.registration_open,
        sessions=[
            SessionFacts(
                session=session,
                ronde=ronde_of.get(session.id),
                places_left=_workshop_places_left(session, counts),
            )
            for session in sessions
        ],
        rooms=agenda_reading.event_rooms(event),
    )


def _workshop_places_left(session: Session, counts: dict) -> int | None:
    if session.kind != SessionKind.WORKSHOP or session.is_cancelled:
        return None
    return agenda_reading.seats_left(session, counts)


def all_themes() -> list[Theme]:
    return programme.all_themes()
