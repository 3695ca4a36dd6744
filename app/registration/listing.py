"""The organiser's lists: their events with the numbers that matter, an event's
registrations, and finding one registration they may manage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.attendance.models import CheckIn
from app.errors import NotFoundHere
from app.extensions import db
from app.programme.models import Event
from app.programme.services import ensure_can_manage
from app.registration.models import Participant, Registration, RegistrationStatus
from app.timezones import utcnow


def registrations_for(
    event: Event, status: str | None = None, search: str = ""
) -> list[Registration]:
    """The organiser's list: places first, then the waiting list in order, then cancellations."""
    query = (
        sa.select(Registration)
        .join(Participant)
        .where(Registration.event_id == event.id)
        .options(so.contains_eager(Registration.participant))
    )
    if status:
        query = query.where(Registration.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.name).like(pattern),
                sa.func.lower(Participant.email).like(pattern),
                sa.func.lower(Registration.organisation).like(pattern),
            )
        )
    order = sa.case(
        (Registration.status == RegistrationStatus.CONFIRMED, 0),
        (Registration.status == RegistrationStatus.WAITLISTED, 1),
        else_=2,
    )
    return list(
        db.session.scalars(
            query.order_by(order, Registration.waitlist_position, Registration.created_at)
        )
    )


def managed_registration(user, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    ensure_can_manage(user, registration.event)
    return registration


# --- the organiser's events, with their numbers ----------------------------------------------


@dataclass(frozen=True)
class EventCounts:
    """What the dashboard shows of one event's registrations."""

    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    checked_in: int = 0


def counts_per_event(event_ids: list[int]) -> dict[int, EventCounts]:
    """Places, waiting list, cancellations and check-ins of many events in two grouped
    queries, however many events there are."""
    if not event_ids:
        return {}
    by_status: dict[int, dict[str, int]] = {}
    for event_id, status, n in db.session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    ):
        by_status.setdefault(event_id, {})[status] = n
    # Someone is in once they have any check-in that stands, at the event or one session.
    checked_in = dict(
        db.session.execute(
            sa.select(Registration.event_id, sa.func.count(sa.distinct(CheckIn.registration_id)))
            .join(CheckIn, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id.in_(event_ids), CheckIn.undone_at.is_(None))
            .group_by(Registration.event_id)
        ).all()
    )
    return {
        event_id: EventCounts(
            confirmed=by_status.get(event_id, {}).get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=by_status.get(event_id, {}).get(RegistrationStatus.WAITLISTED, 0),
            cancelled=by_status.get(event_id, {}).get(RegistrationStatus.CANCELLED, 0),
            checked_in=checked_in.get(event_id, 0),
        )
        for event_id in event_ids
    }


@dataclass
class Dashboard:
    """The organiser's events: what is still to come (and under way) first, soonest first;
    what is over apart, the most recent first."""

    upcoming: list[Event]
    past: list[Event]
    counts: dict[int, EventCounts]


def dashboard(events: list[Event], now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    upcoming = sorted((e for e in events if e.ends_at > now), key=lambda e: (e.starts_at, e.id))
    past = sorted((e for e in events if e.ends_at <= now), key=lambda e: (e.starts_at, e.id),
                  reverse=True)  # fmt: skip
    return Dashboard(upcoming, past, counts_per_event([e.id for e in events]))
