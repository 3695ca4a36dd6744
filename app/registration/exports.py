"""Registrations as a table, for CSV and XLSX exports: one list of rows serves both."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from app.registration import services
from app.timezones import to_local

_STATUS = {
    "confirmed": _l("aangemeld"),
    "waitlisted": _l("wachtlijst"),
    "cancelled": _l("afgemeld"),
}


def registration_rows(event) -> list[list]:
    """A header row, then one row per registration in the organiser's list order."""
    questions = services.questions_for(event)
    registers = [a.register for a in event.accreditations]
    header = [_("Naam"), _("E-mailadres"), _("Status"), _("Plaats op wachtlijst"), _("Organisatie"),
              _("Functie"), *[_("Registratienummer %(register)s", register=r) for r in registers]]  # fmt: skip
    if event.catering:
        header.append(_("Dieetwensen"))
    header += [q.text for q in questions]
    header += [_("Nieuwsbrief"), _("Foto's"), _("Aangemeld op")]
    rows = [header]
    for r in services.registrations_for(event):
        row = [r.participant.name, r.participant.email, str(_STATUS[r.status]), r.waitlist_position or "",
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


def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(rows: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return out.getvalue()


def as_xlsx(rows: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
