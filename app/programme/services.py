"""The rules of the programme: who may manage an event, what publishing, cancelling and
duplicating do, and which events the public sees. Nothing here knows about HTTP requests."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.errors import NotAllowed, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.programme import signals
from app.programme.models import Accreditation, Event, EventStatus, Theme
from app.timezones import utcnow

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)

# The fields an organiser edits directly; everything else changes only through the rules below.
EDITABLE_FIELDS = (
    "kind", "title", "summary", "description", "starts_at", "ends_at", "venue_name",
    "address", "city", "online_url", "capacity", "registration_opens_at",
    "registration_closes_at", "contact_email", "catering", "workshop_choice_required",
)  # fmt: skip


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:180] or "activiteit"


def _unique_slug(model, base: str) -> str:
    taken = set(db.session.scalars(sa.select(model.slug).where(model.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _event_slug(title: str, starts_at: datetime) -> str:
    return _unique_slug(Event, f"{slugify(title)}-{starts_at:%Y-%m-%d}")


# --- who may do what ---------------------------------------------------------------------


def can_manage(user: User, event: Event) -> bool:
    """Admins manage every event; organisers the events they own."""
    if not user.is_authenticated or not user.may_organise:
        return False
    return user.is_admin or any(o.id == user.id for o in event.organisers)


def ensure_can_manage(user: User, event: Event) -> None:
    if not can_manage(user, event):
        raise NotAllowed(_l("U beheert deze activiteit niet."))


def events_managed_by(user: User) -> sa.Select:
    query = sa.select(Event).options(so.selectinload(Event.themes))
    if not user.is_admin:
        query = query.where(Event.organisers.any(User.id == user.id))
    return query.order_by(Event.starts_at.desc())


def managed_event(user: User, event_id: int, *, lock: bool = False) -> Event:
    """The event, if `user` manages it. With `lock`, its row is locked for the rest of the
    transaction: every change that can move places (capacity, cancellation) takes it first."""
    event = lock_row(Event, event_id) if lock else db.session.get(Event, event_id)
    if event is None:
        raise NotFoundHere()
    ensure_can_manage(user, event)
    return event


# --- the public programme ----------------------------------------------------------------


def _public_events(theme: Theme | None, kind: str | None) -> sa.Select:
    query = (
        sa.select(Event)
        .where(Event.status.in_(PUBLIC_STATUSES))
        .options(so.selectinload(Event.themes))
    )
    if theme is not None:
        query = query.where(Event.themes.any(Theme.id == theme.id))
    if kind:
        query = query.where(Event.kind == kind)
    return query


def upcoming_events(theme: Theme | None = None, kind: str | None = None) -> sa.Select:
    """Published and cancelled events that have not ended, soonest first."""
    return (
        _public_events(theme, kind)
        .where(Event.ends_at >= utcnow())
        .order_by(Event.starts_at, Event.id)
    )


def past_events(theme: Theme | None = None, kind: str | None = None) -> sa.Select:
    """The archive: events that have ended, most recent first."""
    return (
        _public_events(theme, kind)
        .where(Event.ends_at < utcnow())
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )


def public_event(slug: str, viewer: User | None = None) -> Event:
    """An event as the public page shows it; a draft only to those who manage it."""
    event = db.session.scalar(
        sa.select(Event)
        .where(Event.slug == slug)
        .options(
            so.selectinload(Event.themes),
            so.selectinload(Event.accreditations),
            so.selectinload(Event.organisers),
        )
    )
    if event is None:
        raise NotFoundHere()
    if event.status not in PUBLIC_STATUSES and not (viewer and can_manage(viewer, event)):
        raise NotFoundHere()
    return event


def theme_by_slug(slug: str) -> Theme:
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == slug))
    if theme is None:
        raise NotFoundHere()
    return theme


def all_themes() -> list[Theme]:
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.name)))


# --- changing events ---------------------------------------------------------------------


def _apply_details(event: Event, details: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in details:
            setattr(event, field, details[field])
    if "themes" in details:
        event.themes = list(details["themes"])


def create_event(owner: User, details: dict, organisers: Iterable[User] = ()) -> Event:
    """A new draft owned by `owner` (and any further organisers)."""
    slug = _event_slug(details["title"], details["starts_at"])
    # Not flushed half-made: loading related rows below must not insert the new event yet.
    with db.session.no_autoflush:
        event = Event(status=EventStatus.DRAFT, slug=slug)
        _apply_details(event, details)
        event.organisers = list({u.id: u for u in [owner, *organisers]}.values())
    db.session.add(event)
    db.session.flush()
    return event


# What a calendar or an attendee's plans depend on: a change here is announced.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "venue_name", "address", "city", "online_url")


def update_event(event: Event, details: dict, organisers: Iterable[User] | None = None) -> Event:
    """Apply an organiser's edit. On a published event, a change of time or place raises the
    calendar SEQUENCE and is announced; a higher capacity lets the waiting list move up."""
    if event.is_cancelled:
        raise StateConflict(_l("Een geannuleerde activiteit kan niet meer worden gewijzigd."))
    before = {field: getattr(event, field) for field in (*SCHEDULE_FIELDS, "capacity")}
    _apply_details(event, details)
    if organisers is not None:
        event.organisers = list(organisers)
    changes = {
        field: (before[field], getattr(event, field))
        for field in SCHEDULE_FIELDS
        if before[field] != getattr(event, field)
    }
    if event.is_published and changes:
        event.ical_sequence += 1
    db.session.flush()
    if event.is_published:
        if changes:
            signals.event_rescheduled.send(event, changes=changes)
        old, new = before["capacity"], event.capacity
        if old is not None and (new is None or new > old):
            signals.capacity_raised.send(event)
    return event


def publish_event(event: Event) -> Event:
    """A draft becomes visible on the programme."""
    if not event.is_draft:
        raise StateConflict(_l("Alleen een concept kan worden gepubliceerd."))
    problems = [p for _receiver, found in signals.publish_requested.send(event) for p in found]
    if problems:
        raise StateConflict(
            _l("Eerst oplossen: %(problems)s", problems=" ".join(str(p) for p in problems))
        )
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    db.session.flush()
    return event


def cancel_event(event: Event) -> Event:
    """The event stays on the programme, clearly marked as cancelled."""
    if event.is_cancelled:
        raise StateConflict(_l("Deze activiteit is al geannuleerd."))
    was_published = event.is_published
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.ical_sequence += 1
    db.session.flush()
    if was_published:
        signals.event_cancelled.send(event)
    return event


def duplicate_event(event: Event, new_start: datetime, by: User) -> Event:
    """A new draft with the same content, moved to `new_start`; the registration window
    moves along by the same amount so it keeps its distance to the event."""
    shift: timedelta = new_start - event.starts_at
    details = {field: getattr(event, field) for field in EDITABLE_FIELDS}
    details["starts_at"] = new_start
    details["ends_at"] = event.ends_at + shift
    for field in ("registration_opens_at", "registration_closes_at"):
        if details[field] is not None:
            details[field] = details[field] + shift
    details["themes"] = event.themes
    copy = create_event(by, details, organisers=event.organisers)
    copy.accreditations = [
        Accreditation(register=a.register, accreditation_id=a.accreditation_id, points=a.points)
        for a in event.accreditations
    ]
    db.session.flush()
    # The agenda and the registration questions are other capabilities' content: they copy it.
    signals.event_duplicated.send(event, copy=copy, shift=shift)
    return copy


def add_accreditation(event: Event, register: str, accreditation_id: str, points) -> Accreditation:
    if any(a.register.lower() == register.lower() for a in event.accreditations):
        raise StateConflict(_l("Deze activiteit heeft al een accreditatie bij dit register."))
    accreditation = Accreditation(
        register=register, accreditation_id=accreditation_id, points=points
    )
    event.accreditations.append(accreditation)
    db.session.flush()
    return accreditation


def remove_accreditation(event: Event, accreditation_id: int) -> None:
    accreditation = next((a for a in event.accreditations if a.id == accreditation_id), None)
    if accreditation is None:
        raise NotFoundHere()
    event.accreditations.remove(accreditation)
    db.session.flush()


# --- themes ------------------------------------------------------------------------------

THEME_FIELDS = ("name", "description", "contact_name", "contact_email")


def create_theme(details: dict) -> Theme:
    theme = Theme(**{f: details[f] for f in THEME_FIELDS if f in details})
    theme.slug = _unique_slug(Theme, slugify(theme.name))
    db.session.add(theme)
    db.session.flush()
    return theme


def update_theme(theme: Theme, details: dict) -> Theme:
    for field in THEME_FIELDS:
        if field in details:
            setattr(theme, field, details[field])
    db.session.flush()
    return theme
