"""The organiser's list of an event's registrations, and finding one they may manage."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.errors import NotFoundHere
from app.extensions import db
from app.programme.models import Event
from app.programme.services import ensure_can_manage
from app.registration.models import Participant, Registration, RegistrationStatus


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
