"""The rules of the programme: who may manage an event, what publishing, cancelling and
duplicating do, and which events the public sees. Nothing here knows about HTTP requests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.errors import DomainError, NotAllowed, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import ensure_current, lock_row
from app.programme.models import Accreditation, Event, EventStatus, Theme
from app.programme.slugs import (
    TakenMeanwhile,
    event_slug,
    insert_with_unique_slug,
)
from app.timezones import to_local, utcnow

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)

# The fields an organiser edits directly; everything else changes only through the rules below.
EDITABLE_FIELDS = (
    "kind", "title", "summary", "description", "starts_at", "ends_at", "venue_name",
    "address", "city", "online_url", "capacity", "registration_opens_at",
    "registration_closes_at", "contact_email", "catering", "workshop_choice_required",
    "not_counting_minutes", "cost", "retention_months",
)  # fmt: skip


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
    transaction: every change that can move places (capacity, time) takes it first."""
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


def public_events_by_id(ids: Iterable[int]) -> list[Event]:
    """These events, those the public may see, without their themes (their places alone)."""
    query = sa.select(Event).where(Event.id.in_(set(ids)), Event.status.in_(PUBLIC_STATUSES))
    return list(db.session.scalars(query))


def public_event(slug: str, viewer: User | None = None, *, with_details: bool = True) -> Event:
    """An event as the public page shows it; a draft only to those who manage it.
    `with_details=False`: without its themes and accreditations (the places alone)."""
    # One query with its (few) themes and accreditations; the organisers only load when a
    # logged-in viewer asks whether they may manage it.
    query = sa.select(Event).where(Event.slug == slug)
    if with_details:
        query = query.options(so.joinedload(Event.themes), so.joinedload(Event.accreditations))
    event = db.session.execute(query).unique().scalar_one_or_none()
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


def event_created_with(key: str | None) -> Event | None:
    """The event an earlier post of the same form made (a double click, a reload)."""
    if not key:
        return None
    return db.session.scalar(sa.select(Event).where(Event.creation_key == key[:64]))


def create_event(
    owner: User, details: dict, organisers: Iterable[User] = (), creation_key: str | None = None
) -> Event:
    """A new draft owned by `owner` (and any further organisers)."""
    return create_event_once(owner, details, organisers, creation_key)[0]


def create_event_once(
    owner: User, details: dict, organisers: Iterable[User] = (), creation_key: str | None = None
) -> tuple[Event, bool]:
    """A new draft, unless the same form (same `creation_key`) made one already — after each
    other or at the same moment: then that one, and False (nothing was created)."""
    earlier = event_created_with(creation_key)
    if earlier is not None:
        return earlier, False
    event = Event(status=EventStatus.DRAFT, creation_key=(creation_key or "")[:64] or None)
    for field in ("title", "starts_at"):
        setattr(event, field, details[field])

    def fill() -> None:
        _apply_details(event, details)
        event.organisers = list({u.id: u for u in [owner, *organisers]}.values())

    try:
        insert_with_unique_slug(event, lambda: event_slug(event.title, event.starts_at), fill,
                                 taken=lambda: event_created_with(creation_key) is not None)  # fmt: skip
    except TakenMeanwhile:
        return event_created_with(creation_key), False
    return event, True


# What a calendar or an attendee's plans depend on: a change here is announced.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "venue_name", "address", "city", "online_url")


@dataclass
class EventEdit:
    """What an edit changed that other capabilities act on (see activity.services)."""

    changes: dict = dataclasses.field(
        default_factory=dict
    )  # {field: (before, after)} of SCHEDULE_FIELDS
    shift: timedelta | None = None  # the start moved by this much
    capacity_changed: bool = False


def update_event(
    event: Event,
    details: dict,
    organisers: Iterable[User] | None = None,
    seen_version: int | None = None,
) -> EventEdit:
    """Apply an organiser's edit made on the form of `seen_version`. On a published event, a
    change of time or place raises the calendar SEQUENCE."""
    if event.is_cancelled:
        raise StateConflict(_l("Een geannuleerde activiteit kan niet meer worden gewijzigd."))
    ensure_current(event, seen_version)
    if organisers is not None and not list(organisers):
        raise DomainError(_l("Een activiteit heeft minstens één organisator."))
    before = {field: getattr(event, field) for field in (*SCHEDULE_FIELDS, "capacity")}
    _apply_details(event, details)
    if organisers is not None:
        event.organisers = list(organisers)
    edit = EventEdit(
        changes={
            field: (before[field], getattr(event, field))
            for field in SCHEDULE_FIELDS
            if before[field] != getattr(event, field)
        },
        capacity_changed=before["capacity"] != event.capacity,
    )
    edit.shift = _agenda_shift(before["starts_at"], before["ends_at"], event)
    if event.is_published and edit.changes:
        event.ical_sequence += 1
    db.session.flush()
    return edit


def _agenda_shift(old_start: datetime, old_end: datetime, event: Event) -> timedelta | None:
    """How far the agenda moves with the event: along with a new date (or a start and end
    moved alike); not when only the day got longer or shorter."""
    shift = event.starts_at - old_start
    if not shift:
        return None
    new_day = to_local(event.starts_at).date() != to_local(old_start).date()
    return shift if new_day or event.ends_at - old_end == shift else None


def publish_event(event: Event, problems: Iterable = ()) -> Event:
    """A draft becomes visible on the programme, unless `problems` (e.g. agenda conflicts)
    stand in the way."""
    if not event.is_draft:
        raise StateConflict(_l("Alleen een concept kan worden gepubliceerd."))
    problems = list(problems)
    if problems:
        raise StateConflict(
            _l("Eerst oplossen: %(problems)s", problems=" ".join(str(p) for p in problems))
        )
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    db.session.flush()
    return event


def unpublish_event(event: Event, *, has_registrations: bool) -> Event:
    """Back to draft: only a published event nobody has registered for (else people hold
    mails and calendar entries about it: cancel it instead)."""
    if not event.is_published:
        raise StateConflict(_l("Alleen een gepubliceerde activiteit kan terug naar concept."))
    if has_registrations:
        raise StateConflict(
            _l(
                "Er zijn al aanmeldingen: annuleer de activiteit in plaats van haar terug te zetten."
            )
        )
    event.status = EventStatus.DRAFT
    event.published_at = None
    db.session.flush()
    return event


def cancel_event(event: Event) -> Event:
    """A published event stays on the programme, clearly marked as cancelled. A draft was
    never public: it is deleted, not cancelled (cancelling would show it to everyone)."""
    if event.is_draft:
        raise StateConflict(_l("Een concept annuleert u niet: verwijder het."))
    if event.is_cancelled:
        raise StateConflict(_l("Deze activiteit is al geannuleerd."))
    if utcnow() >= event.starts_at:  # "gaat niet door" after the fact tells nobody anything
        raise StateConflict(
            _l("Een activiteit die al begonnen of voorbij is, kunt u niet meer annuleren.")
        )
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.ical_sequence += 1
    db.session.flush()
    return event


def ensure_draft(event: Event) -> None:
    if not event.is_draft:
        raise StateConflict(_l("Alleen een concept kan worden verwijderd."))


def delete_draft(event: Event) -> None:
    """The event row with its themes, organisers and accreditations; its agenda and questions
    are other capabilities' (`activity.services.delete_draft` removes those first)."""
    ensure_draft(event)
    db.session.delete(event)
    db.session.flush()


def duplicate_event(
    event: Event, new_start: datetime, by: User, creation_key: str | None = None
) -> tuple[Event, timedelta | None]:
    """A new draft with the same content, moved to `new_start`; the registration window
    moves along by the same amount so it keeps its distance to the event. Returns the copy and
    the shift, with which the agenda and the questions are copied (activity.services); no
    shift when the same form had made the copy already."""
    shift: timedelta = new_start - event.starts_at
    details = {field: getattr(event, field) for field in EDITABLE_FIELDS}
    details["starts_at"] = new_start
    details["ends_at"] = event.ends_at + shift
    for field in ("registration_opens_at", "registration_closes_at"):
        if details[field] is not None:
            details[field] = details[field] + shift
    details["themes"] = event.themes
    copy, created = create_event_once(by, details, event.organisers, creation_key)
    if created:
        copy.accreditations = [
            Accreditation(
                register=a.register,
                accreditation_id=a.accreditation_id,
                points=a.points,
                points_rule=a.points_rule,
            )
            for a in event.accreditations
        ]
        db.session.flush()
    return copy, (shift if created else None)


def add_accreditation(event: Event, register: str, accreditation_id: str, points,
                      points_rule: str = "event") -> Accreditation:  # fmt: skip
    if any(a.register.lower() == register.lower() for a in event.accreditations):
        raise StateConflict(_l("Deze activiteit heeft al een accreditatie bij dit register."))
    accreditation = Accreditation(
        register=register,
        accreditation_id=accreditation_id,
        points=points,
        points_rule=points_rule if points_rule in ("event", "pro_rata") else "event",
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
