"""What a programme card and the event page's summary block say about an event: whether one
can still get a place (and how many are left), its kind said once, where it is on a map.

The availability is decided here, once, from the event's lifecycle (`programme.lifecycle`),
the registration window (`registration.registration_closed_reason`) and the places left;
templates only print what it says."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus

import sqlalchemy as sa
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.programme import lifecycle
from app.programme.models import Event, EventKind
from app.registration import services as registration
from app.registration.models import Registration, RegistrationStatus
from app.timezones import format_day, format_moment, utcnow

# "Bijna vol" when 5 or fewer places are left, or 10% of the capacity, whichever is more:
# a kenniscafé of 30 fills with a few sign-ups, a themadag of 300 goes fast in its last 30.
ALMOST_FULL_PLACES = 5
ALMOST_FULL_SHARE = 0.10

OSM_SEARCH = "https://www.openstreetmap.org/search?query="


class State(enum.StrEnum):
    DRAFT = "draft"  # not published: nobody registers yet
    CANCELLED = "cancelled"
    OVER = "over"  # past events never show places
    CLOSED = "closed"  # the closing moment passed, or the event started
    NOT_YET_OPEN = "not_yet_open"  # registration opens later
    FULL = "full"  # registering puts one on the waiting list
    ALMOST_FULL = "almost_full"
    OPEN = "open"
    UNLIMITED = "unlimited"  # open, and the event has no maximum


OPEN_STATES = (State.FULL, State.ALMOST_FULL, State.OPEN, State.UNLIMITED)


def _language() -> str:
    return str(get_locale() or "nl")


@dataclass(frozen=True)
class Availability:
    state: State
    seats_left: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None  # the last moment to register (the closing time or start)

    @property
    def registration_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def shows_places(self) -> bool:
        """Places matter only while one can register: never on a past, cancelled or closed event."""
        return self.registration_open

    @property
    def label(self) -> str | None:
        """The one line on a programme card; None when there is nothing to say."""
        if self.state == State.CLOSED:
            return gettext("Aanmelden gesloten")
        if self.state == State.NOT_YET_OPEN:
            return gettext("Aanmelden vanaf %(day)s", day=format_day(self.opens_at, _language()))
        if self.state in (State.FULL, State.ALMOST_FULL, State.OPEN):
            return self.places_text
        return None

    @property
    def places_text(self) -> str | None:
        """The places line of the event page's summary."""
        if not self.shows_places:
            return None
        if self.state == State.UNLIMITED:
            return gettext("Geen maximum")
        if self.state == State.FULL:
            return gettext("Vol — wachtlijst")
        if self.state == State.ALMOST_FULL:
            return ngettext("Bijna vol: nog %(num)d plaats vrij",
                            "Bijna vol: nog %(num)d plaatsen vrij", self.seats_left)  # fmt: skip
        return ngettext("Nog %(num)d plaats vrij", "Nog %(num)d plaatsen vrij", self.seats_left)

    @property
    def registration_text(self) -> str | None:
        """When registering closes (or opened, or that it is closed), for the summary."""
        if self.registration_open:
            return gettext("Kan tot %(when)s", when=format_moment(self.closes_at, _language()))
        if self.state == State.NOT_YET_OPEN:
            return gettext("Kan vanaf %(when)s", when=format_moment(self.opens_at, _language()))
        if self.state in (State.CLOSED, State.OVER):
            return gettext("Aanmelden gesloten")
        return None  # a draft or a cancelled event says so elsewhere


def is_almost_full(seats_left: int, capacity: int) -> bool:
    return seats_left <= max(ALMOST_FULL_PLACES, capacity * ALMOST_FULL_SHARE)


def availability(event: Event, seats_left: int | None, now: datetime | None = None) -> Availability:
    """Whether and how one can get a place at `event` now, given the places left."""
    now = now or utcnow()
    phase = lifecycle.phase(event, now)
    if phase in (lifecycle.Phase.DRAFT, lifecycle.Phase.CANCELLED, lifecycle.Phase.OVER):
        return Availability(State(phase.value))
    closes_at = event.registration_closes_at or event.starts_at
    if registration.registration_closed_reason(event, now) is not None:
        if phase == lifecycle.Phase.OPEN and event.registration_opens_at and now < event.registration_opens_at:  # fmt: skip
            return Availability(State.NOT_YET_OPEN, opens_at=event.registration_opens_at)
        return Availability(State.CLOSED)
    if event.capacity is None or seats_left is None:
        return Availability(State.UNLIMITED, closes_at=closes_at)
    if seats_left <= 0:
        return Availability(State.FULL, seats_left=0, closes_at=closes_at)
    state = State.ALMOST_FULL if is_almost_full(seats_left, event.capacity) else State.OPEN
    return Availability(state, seats_left=seats_left, closes_at=closes_at)


def confirmed_counts(event_ids: Iterable[int]) -> dict[int, int]:
    """Confirmed registrations per event, in one query for a whole page of cards."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.event_id, sa.func.count())
        .where(
            Registration.event_id.in_(ids),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.event_id)
    ).all()
    return dict(rows)


def availabilities(events: Iterable[Event], now: datetime | None = None) -> dict[int, Availability]:
    """The availability of each event on a page, by id; counts only those that could show them."""
    now = now or utcnow()
    events = list(events)
    countable = [e.id for e in events if e.capacity is not None and lifecycle.phase(e, now) == lifecycle.Phase.OPEN]  # fmt: skip
    confirmed = confirmed_counts(countable)
    return {
        event.id: availability(
            event,
            None if event.capacity is None else max(event.capacity - confirmed.get(event.id, 0), 0),
            now,
        )
        for event in events
    }


# --- the kind, said once ------------------------------------------------------------------

KIND_LABELS = {EventKind.KENNISCAFE: _l("Kenniscafé"), EventKind.THEMADAG: _l("Themadag")}
_KIND_WORDS = {EventKind.KENNISCAFE: ("kenniscafe",), EventKind.THEMADAG: ("themadag",)}


def _folded(text: str) -> str:
    """'Kenniscafé' and 'kenniscafe' alike: no accents, no case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def kind_label(event: Event) -> str | None:
    """The kind's small label above a title, unless the title already starts with it
    ("Themadag: Generaties in de wijk" needs no "THEMADAG" above it)."""
    label = KIND_LABELS.get(event.kind)
    if label is None:
        return None
    title = _folded(event.title.lstrip())
    words = (*_KIND_WORDS.get(event.kind, ()), _folded(str(label)))
    if any(title.startswith(word) for word in words):
        return None
    return str(label)


# --- where ---------------------------------------------------------------------------------


def map_url(event: Event) -> str | None:
    """A plain link to OpenStreetMap's search for the address (route planning is one click
    on from there): no embedded map, no third-party script on our page."""
    street = event.address.strip() if event.address else ""
    place = event.city.strip() if event.city else ""
    venue = event.venue_name.strip() if event.venue_name else ""
    parts = [street, place] if street else [venue, place]
    query = ", ".join(p for p in parts if p)
    if not query or not (street or place):
        return None
    return OSM_SEARCH + quote_plus(query)
