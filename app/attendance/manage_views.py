"""Organisers: presence per event and per session, its exports, who staffs the desk, and the
printables of the day (badges, sign-in sheets)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.attendance import codes, desk, printables, report, services
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.privacy import audit
from app.programme import services as programme
from app.registration import exports
from app.timezones import format_day, format_period

bp = Blueprint("attendance_manage", __name__, url_prefix="/beheer/activiteiten/<int:event_id>")


def _session(event):
    return desk.desk_session(event, request.args.get("sessie", ""))


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})  # fmt: skip


@bp.route("/aanwezigheid")
@organiser_required
def presence(event_id: int):
    event = programme.managed_event(current_user, event_id)
    session = _session(event)
    return render_template(
        "attendance/manage/presence.html",
        event=event,
        session=session,
        rows=report.presence(event, session),
        sessions=report.per_session(event),
        desk_accounts=services.desk_accounts(),
        staff=services.staff_ids(event),
        layouts=printables.LAYOUTS.values(),
        form=ConfirmForm(),
    )


@bp.route("/balie", methods=["POST"])
@organiser_required
def desk_staff(event_id: int):
    event = programme.managed_event(current_user, event_id)
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    chosen = {int(v) for v in request.form.getlist("staff") if v.isdigit() and len(v) < 10}
    services.set_desk_staff(event, chosen)
    db.session.commit()
    flash(_("De balie is bijgewerkt."), "success")
    return redirect(url_for(".presence", event_id=event.id))


@bp.route("/aanwezigheid.<any(csv, xlsx):kind>")
@organiser_required
def export(event_id: int, kind: str):
    event = programme.managed_event(current_user, event_id)
    session = _session(event)
    rows = report.export_rows(report.presence(event, session), with_email=True,
                              sessions=[] if session else desk.desk_sessions(event))  # fmt: skip
    name = f"aanwezigheid-{event.slug}" + (f"-{session.id}" if session else "")
    where = f", programmaonderdeel #{session.id}" if session else ""
    audit.record(audit.Action.EXPORT, by=current_user, event=event,
                 detail=f"aanwezigheid ({kind}{where}): {audit.people(len(rows) - 1)}")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    if kind == "csv":
        return _download(
            exports.as_csv(rows), "text/csv", f"{name}.csv"
        )  # (Werkzeug adds the charset)
    return _download(exports.as_xlsx(rows, title=_("Aanwezigheid")),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{name}.xlsx")  # fmt: skip


@bp.route("/badges.pdf")
@organiser_required
def badges(event_id: int):
    """Name badges for everyone with a place, each with a QR of its own (new codes, so a
    badge left behind can be revoked without touching the person's mails)."""
    event = programme.managed_event(current_user, event_id)
    layout = printables.LAYOUTS.get(request.args.get("opmaak", ""), printables.LAYOUTS["L7163"])
    first = request.args.get("start", "1")
    first_label = int(first) if first.isdigit() and len(first) < 4 else 0
    if not 1 <= first_label <= layout.columns * layout.rows:  # said on the page, not a dead end
        flash(_("Kies een beginetiket tussen 1 en %(n)d.", n=layout.columns * layout.rows), "error")
        return redirect(url_for(".presence", event_id=event.id))
    when = format_day(event.starts_at)
    people = [row.registration for row in report.presence(event)]
    badges = [
        printables.Badge(name=r.name, organisation=r.organisation, event_title=event.title,
                         event_date=when, qr_url=codes.checkin_url(codes.issue_code(r, "badge")))
        for r in people
    ]  # fmt: skip
    audit.record(audit.Action.PRINT, by=current_user, event=event,
                 detail=f"badges ({layout.key}): {audit.people(len(badges))}")  # fmt: skip
    db.session.commit()  # the new codes and the audit line
    pdf = printables.badges_pdf(badges, layout, first_label=first_label,
                                outline="proef" in request.args)  # fmt: skip
    return _download(pdf, "application/pdf", f"badges-{event.slug}.pdf")


@bp.route("/presentielijst.pdf")
@organiser_required
def signin_sheet(event_id: int):
    event = programme.managed_event(current_user, event_id)
    session = _session(event)
    rows = [
        printables.SheetRow(name=row.registration.name, organisation=row.registration.organisation,
                            register_numbers=" · ".join(f"{k} {v}" for k, v in
                                                        sorted(row.registration.register_numbers.items())))
        for row in report.presence(event, session)
    ]  # fmt: skip
    moment = session or event
    place = ", ".join(p for p in (event.venue_name, event.city) if p)
    if session is not None and session.room is not None:
        place = f"{session.room.name}, {place}" if place else session.room.name
    pdf = printables.signin_sheet_pdf(
        event_title=event.title, session_title=session.title if session else "",
        when=format_period(moment.starts_at, moment.ends_at), place=place, rows=rows)  # fmt: skip
    where = f", programmaonderdeel #{session.id}" if session else ""
    audit.record(audit.Action.PRINT, by=current_user, event=event,
                 detail=f"presentielijst{where}: {audit.people(len(rows))}")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    suffix = f"-{session.id}" if session else ""
    return _download(pdf, "application/pdf", f"presentielijst-{event.slug}{suffix}.pdf")
