"""The public side of certificates: verification by number (a page and JSON, rate-limited),
and the holder's own download through their personal link."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from app.certificates import documents, services
from app.certificates.numbers import normalise
from app.errors import StateConflict
from app.extensions import db, limiter
from app.links import personal_page
from app.registration.tokens import registration_by_token

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _public(certificate) -> dict:
    """What anyone may learn from a number: whose, which event, when, hours and points —
    nothing more (no e-mail, no organisation, no other registrations, no reason)."""
    state = (
        "valid"
        if certificate.is_valid
        else ("replaced" if certificate.replaced_by_id else "revoked")
    )
    return {
        "number": certificate.number,
        "status": state,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "holder": certificate.holder_name,
        "event": certificate.event_title,
        "starts_at": certificate.event_starts_at.isoformat(),
        "ends_at": certificate.event_ends_at.isoformat(),
        "hours": str(certificate.hours),
        "points": [{"register": p["register"], "accreditation_id": p["accreditation_id"],
                    "points": p["points"]} for p in certificate.points],
    }  # fmt: skip


@bp.route("/certificaat")
@limiter.limit(_verify_limit)
def check():
    """The form where someone types a number; a typo is caught before any lookup."""
    typed = request.args.get("nummer", "")
    if not typed:
        return render_template("certificates/check.html", typed="", error=None)
    number = normalise(typed)
    if number is None:
        error = _(
            "Dit nummer klopt niet. Controleer het op typefouten: het staat onderaan het bewijs, bijvoorbeeld KA-7K3M-Q9TX-C."
        )
        if _wants_json():
            return jsonify({"status": "typo", "error": error}), 400
        return render_template("certificates/check.html", typed=typed[:40], error=error), 400
    return redirect(url_for(".verify", number=number))


@bp.route("/certificaat/<number>")
@limiter.limit(_verify_limit)
def verify(number: str):
    normal = normalise(number)
    if normal is not None and normal != number:
        return redirect(url_for(".verify", number=normal))
    certificate = services.by_number(number) if normal else None
    if certificate is None:
        # A typo, a made-up or an unknown number: one answer (the lookup ran, or was refused
        # by the check character, which needs no lookup).
        if _wants_json():
            return jsonify({"status": "unknown"}), 404
        return render_template(
            "certificates/verify.html", certificate=None, number=number[:40]
        ), 404
    if _wants_json():
        return jsonify(_public(certificate))
    return render_template("certificates/verify.html", certificate=certificate, public=_public(certificate),
                           number=certificate.number, locale=str(get_locale() or "nl"),
                           erased_on_request=services.ERASED_ON_REQUEST)  # fmt: skip


@bp.route("/aanmelding/<token>/certificaat")
@personal_page
def download(token: str):
    """The holder's own certificate: issued on first download once they have attended."""
    registration = registration_by_token(token)
    try:
        certificate = services.issue(registration.id)
        db.session.commit()
    except StateConflict as refused:
        db.session.rollback()
        return render_template("certificates/not_yet.html", registration=registration,
                               reason=refused.description, token=token), 409  # fmt: skip
    return Response(documents.pdf(certificate), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{documents.file_name(certificate)}"'})  # fmt: skip
