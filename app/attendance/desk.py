"""What a desk shows: everyone with a place (and who waits), who is in, the counts, for the
whole event or one session; the same data as a page and as the JSON the desks poll."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.agenda.models import ChoiceStatus, Session, SessionChoice, SessionKind
from app.agenda.reading import event_sessions
from app.attendance.models import CheckIn, CheckInCode, CheckInMethod
from app.errors import NotFoundHere
from app.extensions import db
from app.programme.models import Event
from app.registration import services as registration_services
from app.registration.models import Registration, RegistrationStatus
from app.timezones import format_clock

# The desk matches a scanned code offline by the start of its SHA-256: plenty for a few
# thousand codes, and a third of the bytes to load.
CODE_PREFIX = 24


def _folded(name: str) -> str:
    """'Şükrü' sorts with the S, not after the Z."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold())
                   if not unicodedata.combining(c))  # fmt: skip


def desk_sessions(event: Event) -> list[Session]:
    """The sessions one can be checked in to: not breaks, not cancelled."""
    return [s for s in event_sessions(event, include_cancelled=False)
            if s.kind != SessionKind.BREAK]  # fmt: skip


def desk_session(event: Event, raw: str) -> Session | None:
    """The session a `?sessie=` value names (None: the event itself); anything else is a 404."""
    if not raw:
        return None
    if raw.isdigit() and len(raw) < 10:
        for session in desk_sessions(event):
            if session.id == int(raw):
                return session
    raise NotFoundHere()


@dataclass
class DeskList:
    event: Event
    session: Session | None
    people: list[dict]
    counts: dict
    places_left: int | None

    def as_json(self) -> dict:
        return {
            "event": self.event.id,
            "session": self.session.id if self.session else None,
            "people": self.people,
            "counts": self.counts,
            "places_left": self.places_left,
        }

    def etag(self) -> str:
        body = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()[:32]


def registrations_at(event: Event, session: Session | None) -> list[Registration]:
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if session is not None and session.kind == SessionKind.WORKSHOP:
        query = query.join(SessionChoice).where(
            SessionChoice.session_id == session.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    elif session is not None:
        query = query.where(Registration.status == RegistrationStatus.CONFIRMED)
    else:
        query = query.where(Registration.status != RegistrationStatus.CANCELLED)
    return list(db.session.scalars(query))


def _standing(event: Event) -> list[CheckIn]:
    return list(
        db.session.scalars(
            sa.select(CheckIn)
            .join(Registration)
            .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
            .options(so.joinedload(CheckIn.checked_in_by))
            .order_by(CheckIn.checked_in_at)
        )
    )


def _codes(event: Event) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(CheckInCode.registration_id, CheckInCode.code_hash)
        .join(Registration)
        .where(Registration.event_id == event.id, CheckInCode.revoked_at.is_(None))
    )
    codes: dict[int, list[str]] = {}
    for registration_id, digest in rows:
        codes.setdefault(registration_id, []).append(digest[:CODE_PREFIX])
    return codes


def _workshops(event: Event) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, Session.title, Session.starts_at)
        .join(Session)
        .where(Session.event_id == event.id, SessionChoice.status == ChoiceStatus.CONFIRMED)
        .order_by(Session.starts_at)
    )
    titles: dict[int, list[str]] = {}
    for registration_id, title, starts_at in rows:
        titles.setdefault(registration_id, []).append(f"{format_clock(starts_at)} {title}")
    return titles


def _presence(check_in: CheckIn | None, locale: str) -> dict:
    if check_in is None:
        return {"present": False, "at": None, "by": None, "method": None}
    return {
        "present": True,
        "at": format_clock(check_in.checked_in_at, locale),
        "by": check_in.checked_in_by.name if check_in.checked_in_by else "",
        "method": check_in.method,
    }


def desk_list(event: Event, session: Session | None = None, locale: str = "nl") -> DeskList:
    """Everyone the desk may meet, sorted by name. For the event: at the event is whoever
    was checked in to it or to any of its sessions."""
    registrations = registrations_at(event, session)
    # At a workshop's door someone may have a place in another one: found by searching,
    # marked, and not counted as expected here.
    elsewhere: set[int] = set()
    if session is not None and session.kind == SessionKind.WORKSHOP:
        here_already = {r.id for r in registrations}
        others = [r for r in registrations_at(event, None)
                  if r.status == RegistrationStatus.CONFIRMED and r.id not in here_already]  # fmt: skip
        elsewhere = {r.id for r in others}
        registrations = registrations + others
    standing = _standing(event)
    here: dict[int, CheckIn] = {}
    walked_in: set[int] = set()
    for check_in in standing:
        if check_in.method == CheckInMethod.WALK_IN:
            walked_in.add(check_in.registration_id)
        if session is None or check_in.session_id == session.id:
            here.setdefault(check_in.registration_id, check_in)  # the earliest
    codes, workshops = _codes(event), _workshops(event)
    people = []
    for registration in sorted(registrations, key=lambda r: (_folded(r.name), r.id)):
        people.append({
            "id": registration.id,
            "name": registration.name,
            "organisation": registration.organisation,
            "status": registration.status,
            "walk_in": registration.id in walked_in,
            "elsewhere": registration.id in elsewhere,
            "workshops": workshops.get(registration.id, []),
            "codes": codes.get(registration.id, []),
            **_presence(here.get(registration.id), locale),
        })  # fmt: skip
    with_place = [
        p for p in people if p["status"] == RegistrationStatus.CONFIRMED and not p["elsewhere"]
    ]
    counts = {
        "present": sum(p["present"] for p in with_place),
        "expected": len(with_place),
        "walk_ins": sum(p["walk_in"] for p in with_place),
        "waiting": sum(p["status"] == RegistrationStatus.WAITLISTED for p in people),
    }
    return DeskList(event, session, people, counts,
                    registration_services.seats_left(event))  # fmt: skip


def workshops_for(registration_id: int, locale: str = "nl") -> list[str]:
    """'10.45 De buurt als werkplaats': the workshops someone has a place in."""
    from app.agenda.reading import workshops_of

    return [f"{format_clock(c.session.starts_at, locale)} {c.session.title}"
            for c in workshops_of(registration_id)
            if c.status == ChoiceStatus.CONFIRMED]  # fmt: skip
