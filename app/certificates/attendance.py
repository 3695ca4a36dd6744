"""Who attended an event, and for how many net contact hours: check-ins and workshop places
read once per event and turned into `hours.Part`s per person, with the organiser's
corrections on top. What the organiser sees before issuing and what a certificate states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.agenda.models import ChoiceStatus, Session, SessionChoice, SessionKind
from app.agenda.reading import event_sessions
from app.attendance.models import CheckIn
from app.certificates.hours import Part, full_hours, net_contact_hours, points
from app.certificates.models import HoursCorrection
from app.extensions import db
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus


@dataclass
class Attendance:
    registration: Registration
    computed: Decimal  # from the check-ins
    sessions: list[Session]  # what counted, in time order
    correction: HoursCorrection | None = None

    @property
    def hours(self) -> Decimal:
        return self.correction.hours if self.correction is not None else self.computed


@dataclass
class EventAttendance:
    event: Event
    people: list[Attendance]
    full: Decimal  # the hours of someone who attended everything
    absent: list[Registration] = field(default_factory=list)


def _check_ins(event: Event) -> dict[int, set[int | None]]:
    """registration id → the sessions (None: the event itself) they stand checked in to."""
    rows = db.session.execute(
        sa.select(CheckIn.registration_id, CheckIn.session_id)
        .join(Registration)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
    )
    found: dict[int, set[int | None]] = {}
    for registration_id, session_id in rows:
        found.setdefault(registration_id, set()).add(session_id)
    return found


def _places(event: Event) -> dict[int, set[int]]:
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.session_id)
        .join(Session)
        .where(Session.event_id == event.id, SessionChoice.status == ChoiceStatus.CONFIRMED)
    )
    places: dict[int, set[int]] = {}
    for registration_id, session_id in rows:
        places.setdefault(registration_id, set()).add(session_id)
    return places


def _corrections(event: Event) -> dict[int, HoursCorrection]:
    rows = db.session.scalars(
        sa.select(HoursCorrection)
        .join(Registration, HoursCorrection.registration_id == Registration.id)
        .where(Registration.event_id == event.id)
        .order_by(HoursCorrection.made_at, HoursCorrection.id)
    )
    return {c.registration_id: c for c in rows}  # the latest stands


def _parts(sessions: list[Session], scanned: set[int], mine: set, chosen: set[int]) -> list[Part]:
    return [
        Part(s.starts_at, s.ends_at, s.kind, scanned=s.id in scanned, attended=s.id in mine,
             chosen=s.id in chosen)
        for s in sessions
    ]  # fmt: skip


def _hours(event: Event, parts: list[Part], present: bool) -> Decimal:
    return net_contact_hours(event_start=event.starts_at, event_end=event.ends_at,
                             not_counting_minutes=event.not_counting_minutes, parts=parts,
                             present=present)  # fmt: skip


def event_attendance(event: Event) -> EventAttendance:
    """Everyone with a place: present (with their hours) or absent."""
    sessions = [s for s in event_sessions(event, include_cancelled=False)]
    check_ins, places, corrections = _check_ins(event), _places(event), _corrections(event)
    scanned = {s for found in check_ins.values() for s in found if s is not None}
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.name, Registration.id))  # fmt: skip
    people, absent = [], []
    for registration in registrations:
        mine = check_ins.get(registration.id)
        if not mine:
            absent.append(registration)
            continue
        parts = _parts(sessions, scanned, mine, places.get(registration.id, set()))
        counted = [s for s, p in zip(sessions, parts, strict=True)
                   if p.counts_for_someone_present()]  # fmt: skip
        people.append(Attendance(registration, _hours(event, parts, True), counted,
                                 corrections.get(registration.id)))  # fmt: skip
    full = full_hours(event_start=event.starts_at, event_end=event.ends_at,
                      not_counting_minutes=event.not_counting_minutes,
                      parts=_parts(sessions, set(), set(), set()))  # fmt: skip
    return EventAttendance(event, people, full, absent)


def _scanned(event: Event) -> set[int]:
    """The sessions anyone stands checked in to."""
    return set(db.session.scalars(
        sa.select(CheckIn.session_id).distinct().join(Registration)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None),
               CheckIn.session_id.is_not(None))))  # fmt: skip


def attendance_of(registration: Registration) -> Attendance | None:
    """One person's attendance (None: not checked in), in a few small queries whatever the
    size of the event: a bulk run calls this once per person."""
    event = registration.event
    mine = set(db.session.scalars(sa.select(CheckIn.session_id).where(
        CheckIn.registration_id == registration.id, CheckIn.undone_at.is_(None))))  # fmt: skip
    if not mine:
        return None
    chosen = set(db.session.scalars(sa.select(SessionChoice.session_id).where(
        SessionChoice.registration_id == registration.id,
        SessionChoice.status == ChoiceStatus.CONFIRMED)))  # fmt: skip
    correction = db.session.scalar(
        sa.select(HoursCorrection).where(HoursCorrection.registration_id == registration.id)
        .order_by(HoursCorrection.made_at.desc(), HoursCorrection.id.desc()).limit(1))  # fmt: skip
    sessions = event_sessions(event, include_cancelled=False)
    parts = _parts(sessions, _scanned(event), mine, chosen)
    counted = [s for s, p in zip(sessions, parts, strict=True) if p.counts_for_someone_present()]
    return Attendance(registration, _hours(event, parts, True), counted, correction)


def event_full_hours(event: Event) -> Decimal:
    return full_hours(event_start=event.starts_at, event_end=event.ends_at,
                      not_counting_minutes=event.not_counting_minutes,
                      parts=_parts(event_sessions(event, include_cancelled=False),
                                   set(), set(), set()))  # fmt: skip


def points_for(event: Event, hours: Decimal, full: Decimal) -> list[dict]:
    return [
        {"register": a.register, "accreditation_id": a.accreditation_id,
         "points": str(points(a.points, a.points_rule, hours, full))}
        for a in sorted(event.accreditations, key=lambda a: a.register.casefold())
    ]  # fmt: skip


def session_lines(sessions: list[Session]) -> list[dict]:
    return [{"title": s.title, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}
            for s in sessions if s.kind != SessionKind.BREAK]  # fmt: skip


def parse_moment(value: str) -> datetime:
    return datetime.fromisoformat(value)
