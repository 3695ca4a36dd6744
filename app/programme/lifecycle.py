"""Where an event stands in its life, and what may still change because of it.

One place answers "may places move now?" for every view, JSON endpoint, CLI command and job:
registering, cancelling, promoting from a waiting list, choosing or changing a workshop. Places
move only while an event is published and has not started; a cancelled session takes nobody."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.errors import StateConflict
from app.programme.models import Event, EventStatus
from app.timezones import utcnow


class Phase(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # published, not yet started
    STARTED = "started"
    OVER = "over"
    CANCELLED = "cancelled"


def phase(event: Event, now: datetime | None = None) -> Phase:
    now = now or utcnow()
    if event.status == EventStatus.DRAFT:
        return Phase.DRAFT
    if event.status == EventStatus.CANCELLED:
        return Phase.CANCELLED
    if now >= event.ends_at:
        return Phase.OVER
    if now >= event.starts_at:
        return Phase.STARTED
    return Phase.OPEN


_FROZEN = {
    Phase.DRAFT: _l("Deze activiteit is nog niet gepubliceerd."),
    Phase.CANCELLED: _l("Deze activiteit is geannuleerd — u hoeft niets te doen."),
    Phase.STARTED: _l("Deze activiteit is al begonnen; aan plaatsen en workshops verandert niets meer."),
    Phase.OVER: _l("Deze activiteit is voorbij; aan plaatsen en workshops verandert niets meer."),
}  # fmt: skip


def places_frozen_reason(event: Event, now: datetime | None = None):
    """Why no place (at the event or in a workshop) may move now, in the visitor's words;
    None while they may."""
    return _FROZEN.get(phase(event, now))


def places_may_move(event: Event, now: datetime | None = None) -> bool:
    return places_frozen_reason(event, now) is None


def ensure_places_may_move(event: Event, now: datetime | None = None) -> None:
    reason = places_frozen_reason(event, now)
    if reason is not None:
        raise StateConflict(reason)


def ensure_details_may_change(event: Event) -> None:
    """A person may correct their name or organisation (a certificate will carry it) until the
    event is cancelled; the event being over does not stop a correction."""
    if event.status == EventStatus.CANCELLED:
        raise StateConflict(_FROZEN[Phase.CANCELLED])


# --- the desk on the day --------------------------------------------------------------------

_DESK_CLOSED = {
    Phase.DRAFT: _FROZEN[Phase.DRAFT],
    Phase.CANCELLED: _l("Deze activiteit is geannuleerd."),
    Phase.OVER: _l("Deze activiteit is voorbij; aan de balie kan niemand meer een plaats krijgen."),
}  # fmt: skip


def ensure_desk_may_seat(event: Event, now: datetime | None = None) -> None:
    """The desk may still give a place (a walk-in, someone from the waiting list who turns up)
    once the event has started: people arrive late. Not before it is published, not once it
    is over or cancelled."""
    reason = _DESK_CLOSED.get(phase(event, now))
    if reason is not None:
        raise StateConflict(reason)
