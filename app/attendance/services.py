"""The rules of presence: who may use the desk of which event, checking in and undoing (once
per person per event and per session, also from twenty desks at once), offline check-ins that
arrive late, walk-ins and giving a waiting person a free place on the day.

Nothing here knows about HTTP; the caller commits once per action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User
from app.activity import services as activity
from app.agenda.models import Session, SessionKind
from app.attendance.models import CheckIn, CheckInMethod, desk_assignments
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.privacy import audit
from app.programme.models import Event, EventStatus
from app.programme.services import can_manage
from app.registration import services as registration_services
from app.registration.models import Registration
from app.timezones import utcnow

# A `checkin` account sees the desk of an event from a day before it starts until a day after
# it ends; organisers may correct presence afterwards (certificates are issued from it).
DESK_WINDOW = timedelta(hours=24)


# --- who may use which desk ----------------------------------------------------------------


def may_use_desk(user: User, event: Event, now: datetime | None = None) -> bool:
    """Admins, the event's organisers, and the `checkin` accounts its organisers put on its
    desk — those only from a day before the start until a day after the end."""
    if not user.is_authenticated or not user.active or event.status == EventStatus.DRAFT:
        return False
    if user.role == Role.CHECKIN:
        now = now or utcnow()
        near = event.starts_at - DESK_WINDOW <= now <= event.ends_at + DESK_WINDOW
        return near and user.id in staff_ids(event)
    return can_manage(user, event)


def staff_ids(event: Event) -> set[int]:
    return set(db.session.scalars(
        sa.select(desk_assignments.c.user_id).where(desk_assignments.c.event_id == event.id)))  # fmt: skip


def desk_accounts() -> list[User]:
    """Every active `checkin` account, for an organiser to put on a desk."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.CHECKIN, User.active).order_by(User.name)))  # fmt: skip


def set_desk_staff(event: Event, user_ids: set[int]) -> None:
    """Who staffs this event's desk: `checkin` accounts only (an organiser needs no seat)."""
    allowed = {u.id for u in desk_accounts()} & set(user_ids)
    db.session.execute(desk_assignments.delete().where(desk_assignments.c.event_id == event.id))
    if allowed:
        db.session.execute(desk_assignments.insert(),
                           [{"event_id": event.id, "user_id": i} for i in sorted(allowed)])  # fmt: skip


def desk_event(user: User, event_id: int) -> Event:
    """The event whose desk `user` opens; a plain 404 otherwise (it names no event)."""
    event = db.session.get(Event, event_id)
    if event is None or not may_use_desk(user, event):
        raise NotFoundHere()
    return event


def desk_events(user: User, now: datetime | None = None) -> list[Event]:
    """The events whose desk `user` may open, the nearest first."""
    now = now or utcnow()
    query = sa.select(Event).where(Event.status != EventStatus.DRAFT)
    if user.role == Role.CHECKIN:
        query = query.join(desk_assignments).where(desk_assignments.c.user_id == user.id)
    if not user.is_admin:
        # Organisers too see only what is near; their own events' desks stay reachable by link.
        query = query.where(Event.starts_at <= now + DESK_WINDOW,
                            Event.ends_at >= now - DESK_WINDOW)  # fmt: skip
    events = db.session.scalars(query.order_by(Event.starts_at)).all()
    return [e for e in events if may_use_desk(user, e, now)]


def ensure_check_in_open(event: Event, now: datetime | None = None) -> None:
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        raise StateConflict(_l("Deze activiteit is geannuleerd; inchecken kan niet."))
    if event.status == EventStatus.DRAFT:
        raise StateConflict(_l("Deze activiteit is nog niet gepubliceerd."))
    if now < event.starts_at - DESK_WINDOW:
        raise StateConflict(_l("Inchecken kan vanaf een dag voor het begin."))


def ensure_of_event(event: Event, registration_id: int) -> None:
    """A desk acts only on its own event's people (an id from another event is a 404)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFoundHere(_l("Deze persoon hoort niet bij deze activiteit."))


# --- checking in ---------------------------------------------------------------------------


@dataclass
class Outcome:
    check_in: CheckIn
    stored: bool  # False: the person was in already (`check_in` is the one that stands)


def _session_of(event: Event, session_id: int | None) -> Session | None:
    if session_id is None:
        return None
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        raise NotFoundHere()
    if session.kind == SessionKind.BREAK:
        raise DomainError(_l("Bij een pauze wordt niet ingecheckt."))
    if session.is_cancelled:
        raise StateConflict(_l("Dit programmaonderdeel is geannuleerd."))
    return session


def standing(registration_id: int, session_id: int | None) -> CheckIn | None:
    return db.session.scalar(
        sa.select(CheckIn).where(
            CheckIn.registration_id == registration_id,
            sa.func.coalesce(CheckIn.session_id, 0) == (session_id or 0),
            CheckIn.undone_at.is_(None),
        )
    )


def _moment(at: datetime | None, event: Event, now: datetime) -> datetime:
    """A desk's clock, kept within reason: not in the future, not before the desk opened."""
    if at is None:
        return now
    return max(min(at, now), event.starts_at - DESK_WINDOW)


def check_in(registration_id: int, by: User, *, session_id: int | None = None,
             method: str = CheckInMethod.LIST, client_id: str | None = None,
             at: datetime | None = None) -> Outcome:  # fmt: skip
    """Record that the person is here. Once: a second check-in (another desk, a second scan)
    changes nothing and returns the one that stands — unless it was made earlier (a desk that
    was offline): then the earliest is kept. A repeated `client_id` is recognised."""
    registration = lock_row(Registration, registration_id)  # one desk at a time per person
    if registration is None:
        raise NotFoundHere()
    event = registration.event
    if not may_use_desk(by, event):
        raise NotFoundHere()
    now = utcnow()
    ensure_check_in_open(event, now)
    if not registration.is_confirmed:
        raise StateConflict(
            _l("Deze persoon staat op de wachtlijst: geef eerst een plaats.")
            if registration.is_waitlisted
            else _l("Deze aanmelding is geannuleerd.")
        )
    session = _session_of(event, session_id)
    if client_id:
        seen = db.session.scalar(sa.select(CheckIn).where(CheckIn.client_id == client_id))
        if seen is not None:
            return Outcome(standing(registration.id, session_id) or seen, stored=False)
    moment = _moment(at, event, now)
    current = standing(registration.id, session_id)
    if current is not None:
        if moment >= current.checked_in_at:
            return Outcome(current, stored=False)
        current.undone_at, current.undone_reason = now, "earlier-elsewhere"
        db.session.flush()  # the partial unique index sees one standing row at a time
    new = CheckIn(registration_id=registration.id, session_id=session.id if session else None,
                  checked_in_at=moment, checked_in_by_id=by.id, method=method,
                  client_id=client_id or None, recorded_at=now)  # fmt: skip
    db.session.add(new)
    db.session.flush()
    return Outcome(new, stored=True)


def undo(registration_id: int, by: User, *, session_id: int | None = None,
         at: datetime | None = None) -> list[CheckIn]:  # fmt: skip
    """Take a check-in back (a tap on the wrong name); the record stays, marked undone. At the
    event itself, where anyone checked in to a session counts as present, that means every
    check-in of theirs that stands. An undo made offline at `at` leaves alone a check-in made
    after it. Returns what was undone."""
    registration = lock_row(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    if not may_use_desk(by, registration.event):
        raise NotFoundHere()
    query = sa.select(CheckIn).where(CheckIn.registration_id == registration.id,
                                     CheckIn.undone_at.is_(None))  # fmt: skip
    if session_id is not None:
        query = query.where(CheckIn.session_id == session_id)
    undone = [c for c in db.session.scalars(query) if at is None or c.checked_in_at <= at]
    now = utcnow()
    for check_in in undone:
        check_in.undone_at, check_in.undone_by_id, check_in.undone_reason = now, by.id, "undone"
    db.session.flush()
    if undone:  # nothing stood: nothing was done
        where = f"programmaonderdeel #{session_id}" if session_id is not None else "activiteit"
        audit.record(audit.Action.CHECK_IN_UNDONE, by=by, registration=registration,
                     detail=f"{len(undone)} check-in(s), {where}")  # fmt: skip
    return undone


# --- the desk gives places -----------------------------------------------------------------


def walk_in(event: Event, details, session_ids: list[int], by: User) -> Outcome:
    """Someone not registered turns up: a place if one is left (the public form's rule, under
    the event's lock), checked in at once; their confirmation mail follows. Someone registered
    already with this address is simply checked in."""
    if not may_use_desk(by, event):
        raise NotFoundHere()
    ensure_check_in_open(event)
    outcome, _workshops = activity.register(event.id, details, session_ids, at_desk=True)
    # Registered already with this address: simply here, not a walk-in.
    method = CheckInMethod.LIST if outcome.already_registered else CheckInMethod.WALK_IN
    if not outcome.already_registered:
        audit.record(audit.Action.REGISTRATION_ADDED, by=by, registration=outcome.registration,
                     detail="binnenloper aan de balie")  # fmt: skip
    return check_in(outcome.registration.id, by, method=method)


def give_place(registration_id: int, by: User) -> Registration:
    """An organiser gives someone from the waiting list who turned up a free place."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not may_use_desk(by, registration.event):
        raise NotFoundHere()
    if not by.may_organise:
        raise StateConflict(_l("Alleen een organisator kan een plaats geven."))
    seated = registration_services.seat_at_desk(registration_id)
    audit.record(audit.Action.REGISTRATION_CHANGED, by=by, registration=seated,
                 detail="plaats gegeven aan de balie (van de wachtlijst)")  # fmt: skip
    return seated


def was_present(registration_id: int) -> bool:
    """Checked in to the event or to any of its sessions (a check-in that stands)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        CheckIn.registration_id == registration_id, CheckIn.undone_at.is_(None)))))  # fmt: skip
