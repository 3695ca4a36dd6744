"""Organisers: the attendance report for a register (per event and accreditation), on the page
— with a list to paste into PE-online — and as CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.certificates import registers
from app.extensions import db
from app.privacy import audit
from app.programme import services as programme

bp = Blueprint("certificate_registers", __name__, url_prefix="/beheer")

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/registers/<int:accreditation_id>")
@organiser_required
def report(event_id: int, accreditation_id: int):
    event = programme.managed_event(current_user, event_id)
    accreditation = registers.event_accreditation(event, accreditation_id)
    refusal = registers.not_reportable_because(event)
    return render_template(
        "certificates/manage/register_report.html",
        event=event,
        accreditation=accreditation,
        refusal=refusal,
        report=None if refusal else registers.register_report(event, accreditation),
    )


@bp.route("/activiteiten/<int:event_id>/registers/<int:accreditation_id>.<any(csv, xlsx):kind>")
@organiser_required
def download(event_id: int, accreditation_id: int, kind: str):
    event = programme.managed_event(current_user, event_id)
    accreditation = registers.event_accreditation(event, accreditation_id)
    registers.ensure_reportable(event)
    report = registers.register_report(event, accreditation)
    name = registers.export_name(report)
    audit.record(audit.Action.EXPORT, by=current_user, event=event,
                 detail=f"melding aan {accreditation.register} ({kind}): "
                        f"{audit.people(len(report.lines))}")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    if kind == "csv":
        body = registers.as_csv(report, str(get_locale() or "nl"))
        return _download(body, "text/csv", f"{name}.csv")  # (Werkzeug adds the charset)
    return _download(registers.as_xlsx(report), _XLSX, f"{name}.xlsx")
