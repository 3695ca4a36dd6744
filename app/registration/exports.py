"""Registrations as a table, for CSV and XLSX exports: one list of rows serves both. Dates are
real date-times (a spreadsheet sorts and filters them); the XLSX has a bold, frozen header
with a filter, and columns as wide as what they hold."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from app.accounts.models import User
from app.agenda.models import ChoiceStatus, SessionChoice
from app.agenda.reading import event_rondes
from app.extensions import db
from app.registration import consents, listing
from app.registration.questions import questions_for
from app.timezones import format_clock, to_local

_STATUS = {
    "confirmed": _l("aangemeld"),
    "waitlisted": _l("wachtlijst"),
    "cancelled": _l("afgemeld"),
}


def _local(moment: datetime | None) -> datetime | None:
    """A spreadsheet knows no time zones: the Amsterdam wall-clock time, to the minute."""
    return to_local(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def _choices_by_registration(event, rondes) -> dict[int, dict[int, SessionChoice]]:
    """Every workshop choice of the event, per registration and session, in one query."""
    workshop_ids = [w.id for ronde in rondes for w in ronde.workshops]
    if not workshop_ids:
        return {}
    chosen: dict[int, dict[int, SessionChoice]] = {}
    for choice in db.session.scalars(
        sa.select(SessionChoice).where(SessionChoice.session_id.in_(workshop_ids))
    ):
        chosen.setdefault(choice.registration_id, {})[choice.session_id] = choice
    return chosen


def _ronde_cell(ronde, choices: dict[int, SessionChoice]) -> str:
    """The workshop chosen in this ronde; "wachtlijst: <title>" while waiting for it."""
    for workshop in ronde.workshops:
        choice = choices.get(workshop.id)
        if choice is None:
            continue
        if choice.status == ChoiceStatus.WAITLISTED:
            return _("wachtlijst: %(title)s", title=workshop.title)
        return workshop.title
    return ""


def _entered_by(registrations) -> dict[int, str]:
    ids = {r.entered_by_id for r in registrations if r.entered_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def registration_rows(event) -> list[list]:
    """A header row, then one row per registration in the organiser's list order: one column
    per ronde with the workshop chosen, and the dates as date-times."""
    questions = questions_for(event)
    registers = [a.register for a in event.accreditations]
    rondes = event_rondes(event)
    header = [_("Naam"), _("E-mailadres"), _("Status"), _("Plaats op wachtlijst"), _("Organisatie"),
              _("Functie"), *[_("Registratienummer %(register)s", register=r) for r in registers]]  # fmt: skip
    header += [
        _("Ronde %(n)d (%(when)s)", n=n,
          when=f"{format_clock(r.starts_at)}–{format_clock(r.ends_at)}")
        for n, r in enumerate(rondes, start=1)
    ]  # fmt: skip
    if event.catering:
        header.append(_("Dieetwensen"))
    header += [q.text for q in questions]
    header += [_("Nieuwsbrief"), _("Foto's"), _("Aangemeld op"), _("Plaats sinds"),
               _("Afgemeld op"), _("Met de hand toegevoegd door"), _("Boven de capaciteit")]  # fmt: skip
    rows = [header]
    registrations = listing.registrations_for(event)
    chosen = _choices_by_registration(event, rondes)
    entered_by = _entered_by(registrations)
    consented = consents.held_by(registrations)
    for r in registrations:
        row = [r.name, r.participant.email, str(_STATUS[r.status]), r.waitlist_position or "",
               r.organisation, r.function, *[r.register_numbers.get(reg, "") for reg in registers]]  # fmt: skip
        row += [_ronde_cell(ronde, chosen.get(r.id, {})) for ronde in rondes]
        if event.catering:
            row.append(r.dietary_needs)
        row += [r.answers.get(str(q.id), "") for q in questions]
        row += [
            _("ja") if "newsletter" in consented[r.id] else _("nee"),
            _("ja") if "photos" in consented[r.id] else _("nee"),
            _local(r.created_at),
            _local(r.confirmed_at) if r.is_confirmed else None,
            _local(r.cancelled_at) if r.is_cancelled else None,
            entered_by.get(r.entered_by_id, "") if r.entered_by_id else "",
            _("ja") if r.beyond_capacity else _("nee"),
        ]
        rows.append(row)
    return rows


# What XML, and so a spreadsheet, cannot hold: openpyxl refuses the control characters, and
# the surrogates and non-characters make a file that Excel calls damaged.
_UNWRITABLE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")


def _safe_cell(value):
    if not isinstance(value, str):
        return value
    # Data stored before the forms cleaned it must not break the export for everyone.
    value = _UNWRITABLE.sub("", value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: at most 31 characters, none of : \\ / ? * [ ], no
    apostrophe at either end, not empty and not the reserved "History"."""
    title = " ".join(INVALID_TITLE_REGEX.sub(" ", _UNWRITABLE.sub("", str(title))).split())
    title = title[:31].strip(" '")
    if not title or title.casefold() == "history":
        return _("Lijst")
    return title


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _safe_cell(value)


def as_csv(rows: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return out.getvalue()


DATE_TIME_FORMAT = "dd-mm-yyyy hh:mm"
DATE_FORMAT = "dd-mm-yyyy"
_WIDEST = 60  # characters; longer text wraps in the cell rather than hiding the others


def _width(value) -> int:
    if isinstance(value, datetime):
        return len("00-00-0000 00:00")
    if isinstance(value, date):
        return len("00-00-0000")
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def as_xlsx(rows: list[list], title: str) -> bytes:
    """The first row is the header: bold, frozen, with a filter on every column. Date-times are
    date-time cells with a date format, not text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    widths: dict[int, int] = {}
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), _width(value))
    for cell in sheet[1] if rows else ():
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_TIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), _WIDEST)
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
