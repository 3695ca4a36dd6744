"""The attendance report for a register: per event and accreditation, who attended with which
registration number, for how many hours and points — the list an organiser passes on to the
register (as a file, or pasted into PE-online's provider import).

Only numbers that pass the register's check are reported; the rest, and attendees without a
number, are listed for the organiser to chase. Nothing here knows about HTTP."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import format_decimal
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.certificates import attendance
from app.certificates.models import Certificate
from app.certificates.services import ended
from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.programme.models import Accreditation, Event, EventStatus
from app.programme.register_numbers import CheckedNumber, check_number, format_known  # noqa: F401
from app.programme.slugs import slugify
from app.registration import exports
from app.registration.exports import _safe_cell, sheet_title
from app.registration.models import Registration
from app.timezones import to_local


@dataclass(frozen=True)
class ReportLine:
    registration: Registration
    number: str
    day: date
    hours: Decimal
    points: Decimal
    certificate: Certificate | None  # where hours and points come from; None: computed now


@dataclass(frozen=True)
class ToCheck:
    registration: Registration
    typed: str
    problem: str


@dataclass
class RegisterReport:
    event: Event
    accreditation: Accreditation
    lines: list[ReportLine] = field(default_factory=list)
    to_check: list[ToCheck] = field(default_factory=list)
    without_number: list[Registration] = field(default_factory=list)
    without_points: list[Registration] = field(default_factory=list)  # hours corrected to 0

    @property
    def format_known(self) -> bool:
        return format_known(self.accreditation.register)

    @property
    def pe_online(self) -> str:
        """What PE-online's import takes: the numbers, one per line, nothing else."""
        return "\n".join(line.number for line in self.lines)


def event_accreditation(event: Event, accreditation_id: int) -> Accreditation:
    accreditation = next((a for a in event.accreditations if a.id == accreditation_id), None)
    if accreditation is None:
        raise NotFoundHere()
    return accreditation


def not_reportable_because(event: Event) -> str | None:
    """Why attendance cannot be reported yet (None: it can): a register accepts it only for
    what took place."""
    if event.status == EventStatus.CANCELLED:
        return _("Deze activiteit is geannuleerd: er is geen aanwezigheid te melden.")
    if not ended(event):
        return _("Aanwezigheid kunt u pas na afloop van de activiteit aan het register melden.")
    return None


def ensure_reportable(event: Event) -> None:
    reason = not_reportable_because(event)
    if reason is not None:
        raise StateConflict(reason)


def _valid_certificates(event: Event) -> dict[int, Certificate]:
    """registration id → its valid certificate: `services.current_certificate`'s rule (the
    latest unrevoked) for the whole event in one query."""
    rows = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.event_id == event.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id)
    )
    return {c.registration_id: c for c in rows if c.registration_id is not None}


def _typed_number(registration: Registration, accreditation: Accreditation) -> str:
    # Stored under the register's name as the event had it when they registered; an
    # accreditation removed and added again as "skj" is still the same register.
    wanted = accreditation.register.strip().casefold()
    for register, number in (registration.register_numbers or {}).items():
        if register.strip().casefold() == wanted and (number or "").strip():
            return number
    return ""


def _points_in(lines: list[dict], accreditation: Accreditation) -> Decimal | None:
    for line in lines:
        if line["register"].casefold() == accreditation.register.casefold():
            return Decimal(line["points"])
    return None  # a certificate issued before this accreditation was added


def _hours_and_points(
    person: attendance.Attendance,
    certificate: Certificate | None,
    accreditation: Accreditation,
    full: Decimal,
) -> tuple[Decimal, Decimal, Certificate | None]:
    # What the person's certificate says is what the register should hear: the same figures.
    if certificate is not None:
        points = _points_in(certificate.points, accreditation)
        if points is not None:
            return certificate.hours, points, certificate
    computed = attendance.points_for(accreditation.event, person.hours, full)
    return person.hours, _points_in(computed, accreditation) or Decimal("0.0"), None


def register_report(event: Event, accreditation: Accreditation) -> RegisterReport:
    """Everyone checked in, sorted into: reportable, number to check, no number, no points."""
    report = RegisterReport(event, accreditation)
    present = attendance.event_attendance(event)
    certificates = _valid_certificates(event)
    day = to_local(event.starts_at).date()
    candidates: list[ReportLine] = []
    for person in present.people:
        registration = person.registration
        checked = check_number(accreditation.register, _typed_number(registration, accreditation))
        if not checked.typed:
            report.without_number.append(registration)
        elif checked.problem:
            report.to_check.append(ToCheck(registration, checked.typed, checked.problem))
        else:
            hours, points, certificate = _hours_and_points(
                person, certificates.get(registration.id), accreditation, present.full
            )
            if points <= 0:
                report.without_points.append(registration)
            else:
                candidates.append(ReportLine(registration, checked.number, day, hours, points,
                                             certificate))  # fmt: skip
    holders: dict[str, list[Registration]] = {}
    for line in candidates:
        holders.setdefault(line.number, []).append(line.registration)
    for line in candidates:
        others = [r.name for r in holders[line.number] if r.id != line.registration.id]
        if others:
            # Two people cannot share a number: one of them made a typo, and the register
            # would credit the wrong person. Neither is reported until the organiser knows.
            report.to_check.append(ToCheck(line.registration, line.number, _(
                "Hetzelfde nummer staat bij %(names)s.", names=", ".join(others))))  # fmt: skip
        else:
            report.lines.append(line)
    return report


# --- the files -------------------------------------------------------------------------------


def _header() -> list[str]:
    return [_("Registratienummer"), _("Naam"), _("Datum"), _("Uren"), _("Punten")]


def export_name(report: RegisterReport) -> str:
    """A file name without a character a download header or a file system chokes on."""
    return f"{slugify(report.accreditation.register)}-{report.event.slug}"


def as_csv(report: RegisterReport, locale: str) -> str:
    """Semicolons and a decimal comma in Dutch, as Excel in the Netherlands reads them.
    The numbers are text already; the guard leaves digits alone."""
    rows = [_header()]
    rows += [[line.number, line.registration.name, line.day.strftime("%d-%m-%Y"),
              format_decimal(line.hours, locale=locale), format_decimal(line.points, locale=locale)]
             for line in report.lines]  # fmt: skip
    return exports.as_csv(rows)


_WIDTHS = (18, 30, 12, 8, 8)  # the least each column gets; names and numbers may widen it


def as_xlsx(report: RegisterReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(
        f"{report.accreditation.register} {report.accreditation.accreditation_id}"
    )
    sheet.append([_safe_cell(h) for h in _header()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in report.lines:
        sheet.append([_safe_cell(line.number), _safe_cell(line.registration.name), line.day,
                      line.hours, line.points])  # fmt: skip
        number, _name, day, hours, points = sheet[sheet.max_row]
        # Text, or a spreadsheet drops the leading zeros of a number like 0046…
        number.number_format = "@"
        day.number_format = "dd-mm-yyyy"
        hours.number_format = "0.0#"
        points.number_format = "0.0"
    for index, least in enumerate(_WIDTHS, start=1):
        longest = max((len(str(c.value or "")) for c in sheet[get_column_letter(index)]), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(least, longest + 2), 60)
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
