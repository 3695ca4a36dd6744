"""Presence for organisers: per event and per session, who was there, who was not, who
walked in, and when; the same rows for the screen and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.agenda.models import ChoiceStatus, Session, SessionChoice, SessionKind
from app.attendance.desk import desk_sessions, registrations_at
from app.attendance.models import CheckIn, CheckInMethod
from app.extensions import db
from app.programme.models import Event
from app.registration.models import Registration, RegistrationStatus
from app.timezones import to_local


@dataclass
class PresenceRow:
    registration: Registration
    check_in: CheckIn | None  # the earliest that stands, at the event or (per session) there
    walked_in: bool
    per_session: dict[int, CheckIn] = field(default_factory=dict)  # session id: check-in

    @property
    def present(self) -> bool:
        return self.check_in is not None


@dataclass
class SessionPresence:
    session: Session
    present: int
    expected: int


def _standing(event: Event) -> list[CheckIn]:
    return list(db.session.scalars(
        sa.select(CheckIn).join(Registration)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
        .options(so.joinedload(CheckIn.checked_in_by))
        .order_by(CheckIn.checked_in_at)))  # fmt: skip


def presence(event: Event, session: Session | None = None) -> list[PresenceRow]:
    """Everyone with a place (for a workshop: with a place in it), present or not, by name."""
    check_ins = _standing(event)
    walked_in = {c.registration_id for c in check_ins if c.method == CheckInMethod.WALK_IN}
    earliest: dict[int, CheckIn] = {}
    sessions: dict[int, dict[int, CheckIn]] = {}
    for check_in in check_ins:
        if session is None or check_in.session_id == session.id:
            earliest.setdefault(check_in.registration_id, check_in)
        if check_in.session_id is not None:
            sessions.setdefault(check_in.registration_id, {})[check_in.session_id] = check_in
    people = [
        r for r in registrations_at(event, session) if r.status == RegistrationStatus.CONFIRMED
    ]
    people.sort(key=lambda r: (r.name.casefold(), r.id))
    return [PresenceRow(r, earliest.get(r.id), r.id in walked_in, sessions.get(r.id, {}))
            for r in people]  # fmt: skip


def per_session(event: Event) -> list[SessionPresence]:
    """Present / expected per session, from three reads whatever the number of sessions."""
    confirmed = set(db.session.scalars(sa.select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)))  # fmt: skip
    chosen: dict[int, set[int]] = {}
    for session_id, registration_id in db.session.execute(
        sa.select(SessionChoice.session_id, SessionChoice.registration_id).join(Session)
        .where(Session.event_id == event.id, SessionChoice.status == ChoiceStatus.CONFIRMED)):  # fmt: skip
        chosen.setdefault(session_id, set()).add(registration_id)
    here: dict[int, set[int]] = {}
    for check_in in _standing(event):
        if check_in.session_id is not None:
            here.setdefault(check_in.session_id, set()).add(check_in.registration_id)
    result = []
    for session in desk_sessions(event):
        expected = (
            confirmed & chosen.get(session.id, set())
            if session.kind == SessionKind.WORKSHOP
            else confirmed
        )
        result.append(
            SessionPresence(session, len(expected & here.get(session.id, set())), len(expected))
        )
    return result


def _local(moment: datetime | None):
    return to_local(moment).replace(tzinfo=None, microsecond=0) if moment else None


def export_rows(rows: list[PresenceRow], *, with_email: bool,
                sessions: list[Session] = ()) -> list[list]:  # fmt: skip
    """Header and one row per person; times are real date-times (a spreadsheet sorts them).
    `sessions`: a column per session with the check-in there."""
    header = [_("Naam"), _("Organisatie"), _("Aanwezig"), _("Ingecheckt om"), _("Hoe"),
              _("Door"), _("Binnenloper")]  # fmt: skip
    header += [f"{to_local(s.starts_at):%H.%M} {s.title}" for s in sessions]
    if with_email:
        header.insert(2, _("E-mailadres"))
    how = {CheckInMethod.QR: _("QR-code"), CheckInMethod.LIST: _("lijst"),
           CheckInMethod.WALK_IN: _("binnenloper")}  # fmt: skip
    lines = [header]
    for row in rows:
        check_in = row.check_in
        line = [
            row.registration.name, row.registration.organisation,
            _("ja") if row.present else _("nee"),
            _local(check_in.checked_in_at) if check_in else None,
            how.get(check_in.method, "") if check_in else "",
            (check_in.checked_in_by.name if check_in and check_in.checked_in_by else ""),
            _("ja") if row.walked_in else _("nee"),
        ]  # fmt: skip
        line += [_local(row.per_session[s.id].checked_in_at) if s.id in row.per_session else None
                 for s in sessions]  # fmt: skip
        if with_email:
            line.insert(2, row.registration.participant.email)
        lines.append(line)
    return lines
