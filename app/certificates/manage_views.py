"""Organisers: an event's attendance and hours before issuing, corrections, issuing,
revoking and reissuing, sending them all (with progress), the ZIP, and the look."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)  # fmt: skip
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import admin_required, organiser_required
from app.certificates import attendance, documents, jobs, look, services
from app.certificates.models import CertificateJob, CertificateLook, JobKind
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.forms import ConfirmForm
from app.privacy import audit
from app.programme import services as programme
from app.registration.models import Registration

bp = Blueprint("certificates_manage", __name__, url_prefix="/beheer")


def _back(event_id: int):
    return redirect(url_for(".overview", event_id=event_id))


def _confirmed_form() -> None:
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))


@bp.route("/activiteiten/<int:event_id>/certificaten")
@organiser_required
def overview(event_id: int):
    event = programme.managed_event(current_user, event_id)
    present = attendance.event_attendance(event)
    certificates = {c.registration_id: c for c in services.event_certificates(event)}
    return render_template(
        "certificates/manage/overview.html",
        event=event,
        attendance=present,
        certificates=certificates,
        ended=services.ended(event),
        send_job=jobs.latest(event, JobKind.SEND),
        zip_job=jobs.latest(event, JobKind.ZIP),
        form=ConfirmForm(),
    )


@bp.route("/activiteiten/<int:event_id>/certificaten/<int:registration_id>/uren", methods=["POST"])
@organiser_required
def correct(event_id: int, registration_id: int):
    event = programme.managed_event(current_user, event_id)
    _confirmed_form()
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFoundHere()
    hours = services.parse_hours(request.form.get("hours", ""), attendance.event_full_hours(event))
    services.correct_hours(registration, hours, request.form.get("reason", ""), current_user)
    db.session.commit()
    flash(_("De uren van %(name)s zijn gecorrigeerd.", name=registration.name), "success")
    return _back(event.id)


@bp.route(
    "/activiteiten/<int:event_id>/certificaten/<int:registration_id>/uitgeven", methods=["POST"]
)
@organiser_required
def issue(event_id: int, registration_id: int):
    event = programme.managed_event(current_user, event_id)
    _confirmed_form()
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFoundHere()
    certificate = services.issue(registration.id, current_user)
    db.session.commit()
    flash(_("Certificaat %(number)s is uitgegeven.", number=certificate.number), "success")
    return _back(event.id)


@bp.route("/certificaten/<int:certificate_id>.pdf")
@organiser_required
def pdf(certificate_id: int):
    certificate = services.managed_certificate(current_user, certificate_id)
    body = documents.pdf(certificate)
    audit.record(audit.Action.EXPORT, by=current_user, event=certificate.event_id,
                 registration=certificate.registration,
                 detail=f"certificaat {certificate.number} (pdf)")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{documents.file_name(certificate)}"'})  # fmt: skip


@bp.route("/certificaten/<int:certificate_id>/intrekken", methods=["POST"])
@organiser_required
def revoke(certificate_id: int):
    certificate = services.managed_certificate(current_user, certificate_id)
    _confirmed_form()
    services.revoke(certificate, current_user, request.form.get("reason", ""))
    db.session.commit()
    flash(_("Certificaat %(number)s is ingetrokken.", number=certificate.number), "success")
    return _back(certificate.event_id)


@bp.route("/certificaten/<int:certificate_id>/opnieuw", methods=["POST"])
@organiser_required
def reissue(certificate_id: int):
    certificate = services.managed_certificate(current_user, certificate_id)
    _confirmed_form()
    new = services.reissue(certificate, current_user, request.form.get("reason", ""))
    db.session.commit()
    flash(_("Certificaat %(old)s is vervangen door %(new)s.", old=certificate.number,
            new=new.number), "success")  # fmt: skip
    return _back(certificate.event_id)


@bp.route("/activiteiten/<int:event_id>/certificaten/versturen", methods=["POST"],
          defaults={"what": "versturen"})  # fmt: skip
@bp.route(
    "/activiteiten/<int:event_id>/certificaten/zip", methods=["POST"], defaults={"what": "zip"}
)
@organiser_required
def start(event_id: int, what: str):
    event = programme.managed_event(current_user, event_id)
    _confirmed_form()
    job = jobs.start(event, JobKind.SEND if what == "versturen" else JobKind.ZIP, current_user)
    db.session.commit()
    jobs.hand_on(job)
    return _back(event.id)


def _job(event_id: int, job_id: int) -> CertificateJob:
    event = programme.managed_event(current_user, event_id)
    job = db.session.get(CertificateJob, job_id)
    if job is None or job.event_id != event.id:
        raise NotFoundHere()
    return job


@bp.route("/activiteiten/<int:event_id>/certificaten/taak/<int:job_id>.json")
@organiser_required
def progress(event_id: int, job_id: int):
    job = _job(event_id, job_id)
    return jsonify({"kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
                    "error": job.error,
                    "download": url_for(".download_zip", event_id=event_id, job_id=job.id)
                    if job.kind == JobKind.ZIP and job.status == "done" else None})  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/certificaten/taak/<int:job_id>.zip")
@organiser_required
def download_zip(event_id: int, job_id: int):
    job = _job(event_id, job_id)
    path = jobs.zip_path(job) if job.file_name else None
    if job.kind != JobKind.ZIP or job.status != "done" or path is None or not path.exists():
        abort(404)
    audit.record(audit.Action.EXPORT, by=current_user, event=job.event_id,
                 detail=f"certificaten (zip, taak #{job.id}): {job.total} certificaten")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=job.file_name, max_age=0)  # fmt: skip


@bp.route("/certificaten/vormgeving", methods=["GET", "POST"])
@admin_required
def appearance():
    stored = documents.stored_look() or CertificateLook()
    if request.method == "POST":
        _confirmed_form()
        stored.signatory_name = request.form.get("signatory_name", "").strip()[:120]
        stored.signatory_function = request.form.get("signatory_function", "").strip()[:200]
        for kind in ("logo", "signature"):
            upload = request.files.get(kind)
            if request.form.get(f"remove_{kind}"):
                setattr(stored, kind, None)
                setattr(stored, f"{kind}_type", "")
            elif upload is not None and upload.filename:
                data, mimetype = look.checked_image(
                    upload.read(look.MAX_BYTES + 1), upload.filename
                )
                setattr(stored, kind, data)
                setattr(stored, f"{kind}_type", mimetype)
        db.session.add(stored)
        db.session.commit()
        flash(_("De vormgeving van de certificaten is opgeslagen."), "success")
        return redirect(url_for(".appearance"))
    return render_template("certificates/manage/appearance.html", look=stored, form=ConfirmForm())


@bp.route("/certificaten/voorbeeld.pdf")
@admin_required
def sample():
    """A certificate with made-up content in the current look: to see it before anyone gets one."""
    from app.certificates.content import CertificateContent, PointsLine, SessionLine
    from app.certificates.pdf import certificate_pdf

    content = CertificateContent(
        language="nl", holder_name="Zoë IJsselmuiden", register_numbers=[("Registerplein", "461012345")],
        event_title="Themadag: Generaties in de wijk", event_kind=_("Themadag"),
        event_when="donderdag 10 december 2026, 09.30–16.00 uur", event_place="Nijmegen",
        sessions=[SessionLine("Opening", "09.30–10.15"), SessionLine("Workshop: Wonen", "10.30–12.00")],
        hours="4,5", points=[PointsLine("Registerplein", "RP-2026-0001", "4")],
        issued_on="vrijdag 11 december 2026", number="KA-7K3M-Q9TX-C",
        verify_url=url_for("certificates.check", _external=True),
    )  # fmt: skip
    return Response(certificate_pdf(content, documents.look()), mimetype="application/pdf")


@bp.errorhandler(DomainError)
@bp.errorhandler(StateConflict)
def _refused(error):
    """A refusal on the certificates page is said on that page, not on an error page."""
    args = request.view_args or {}
    event_id = args.get("event_id")
    if request.endpoint == "certificates_manage.appearance":  # a refused upload: say so there
        db.session.rollback()
        flash(str(error.description), "error")
        return redirect(url_for(".appearance"))
    if event_id is None and "certificate_id" in args:
        certificate = services.managed_certificate(current_user, args["certificate_id"])
        event_id = certificate.event_id
    db.session.rollback()
    if event_id is None or request.method != "POST":
        return render_template("errors/error.html", code=error.code, title=_("Kan niet"),
                               text=error.description), error.code  # fmt: skip
    flash(str(error.description), "error")
    return _back(event_id)
