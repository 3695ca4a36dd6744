"""Registrations as a table, for CSV and XLSX exports: one list of rows serves both."""

from __future__ import annotations

import csv
import io
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from app.registration import listing
from app.registration.questions import questions_for
from app.timezones import to_local

_STATUS = {
    "confirmed": _l("aangemeld"),
    "waitlisted": _l("wachtlijst"),
    "cancelled": _l("afgemeld"),
}


def registration_rows(event) -> list[list]:
    """A header row, then one row per registration in the organiser's list order."""
    questions = questions_for(event)
    registers = [a.register for a in event.accreditations]
    header = [_("Naam"), _("E-mailadres"), _("Status"), _("Plaats op wachtlijst"), _("Organisatie"),
              _("Functie"), *[_("Registratienummer %(register)s", register=r) for r in registers]]  # fmt: skip
    if event.catering:
        header.append(_("Dieetwensen"))
    header += [q.text for q in questions]
    header += [_("Nieuwsbrief"), _("Foto's"), _("Aangemeld op")]
    rows = [header]
    for r in listing.registrations_for(event):
        row = [r.name, r.participant.email, str(_STATUS[r.status]), r.waitlist_position or "",
               r.organisation, r.function, *[r.register_numbers.get(reg, "") for reg in registers]]  # fmt: skip
        if event.catering:
            row.append(r.dietary_needs)
        row += [r.answers.get(str(q.id), "") for q in questions]
        row += [
            _("ja") if r.newsletter_consent_at else _("nee"),
            _("ja") if r.photo_consent_at else _("nee"),
            to_local(r.created_at).strftime("%Y-%m-%d %H:%M"),
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


def as_csv(rows: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return out.getvalue()


def as_xlsx(rows: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
