"""An admin acting on a person's request received by mail or letter: find, show, export,
correct, withdraw consent, erase. Each step says on whose request and leaves a line in the
audit log (app/privacy/rights.py, the same rules as the person's own pages)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import admin_required
from app.extensions import db
from app.forms import render_form
from app.privacy import rights
from app.privacy.person_data import as_json
from app.privacy.person_page import readable
from app.privacy.rights import Actor, Corrections
from app.privacy.rights_forms import (
    KEEP,
    FindForm,
    RequestCorrectionForm,
    RequestErasureForm,
    RequestForm,
)
from app.registration.models import Participant
from app.timezones import utcnow

bp = Blueprint("privacy_requests", __name__, url_prefix="/beheer/privacy/verzoeken")

MAX_REQUEST = 200  # the audit log's column


def _person(participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or rights.find_person(participant.email) is None:
        abort(404)  # unknown, or an anonymised registration's placeholder
    return participant


def _actor(form) -> Actor:
    return Actor(current_user._get_current_object(), form.on_request_of.data)


def _back(participant: Participant, on_request_of: str, anchor: str | None = None):
    return redirect(url_for(".person", participant_id=participant.id, verzoek=on_request_of,
                            _anchor=anchor))  # fmt: skip


@bp.route("", methods=["GET", "POST"])
@admin_required
def find():
    form = FindForm()
    if form.validate_on_submit():
        participant = rights.find_person(form.email.data)
        if participant is not None:
            return _back(participant, form.on_request_of.data)
        form.email.errors.append(_("Bij dit e-mailadres hebben we geen gegevens."))
    return render_form("privacy/requests_find.html", form)


@bp.route("/<int:participant_id>")
@admin_required
def person(participant_id: int):
    """The person's data; showing it is logged, so it asks first on whose request."""
    participant = _person(participant_id)
    on_request_of = request.args.get("verzoek", "").strip()
    if not on_request_of or len(on_request_of) > MAX_REQUEST:
        form = RequestForm(formdata=None, on_request_of=on_request_of[:MAX_REQUEST])
        return render_template("privacy/requests_ask.html", form=form, participant=participant,
                               too_long=len(on_request_of) > MAX_REQUEST)  # fmt: skip
    return _overview(participant, on_request_of)


def _overview(participant, on_request_of, correction=None, status=200):
    actor = Actor(current_user._get_current_object(), on_request_of)
    data = rights.show(participant, actor)
    db.session.commit()  # the log line of this look
    form = correction or RequestCorrectionForm(
        obj=rights.current_details(participant), on_request_of=on_request_of
    )
    pid = participant.id
    context = {
        "data": data,
        "participant": participant,
        "consents": rights.current_consents(participant),
        "form": form,
        "readable": readable,
        "on_request_of": on_request_of,
        "urls": {
            "download": url_for(".download", participant_id=pid),
            "correct": url_for(".correct", participant_id=pid),
            "erase": url_for(".erase", participant_id=pid, verzoek=on_request_of),
            "withdraw": lambda consent_id: url_for(
                ".withdraw", participant_id=pid, consent_id=consent_id
            ),  # fmt: skip
        },
    }
    return render_template("privacy/requests_person.html", **context), status


@bp.route("/<int:participant_id>/download", methods=["POST"])
@admin_required
def download(participant_id: int):
    participant = _person(participant_id)
    form = RequestForm()
    if not form.validate_on_submit():
        flash(_("Vul in op wiens verzoek u de gegevens downloadt."), "error")
        return _back(participant, request.form.get("on_request_of", "")[:MAX_REQUEST])
    data = rights.export(participant, _actor(form))
    db.session.commit()
    name = f"gegevens-{participant.id}-{utcnow():%Y-%m-%d}.json"
    return Response(as_json(data), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.route("/<int:participant_id>/corrigeren", methods=["POST"])
@admin_required
def correct(participant_id: int):
    participant = _person(participant_id)
    form = RequestCorrectionForm()
    if not form.validate_on_submit():
        on_request_of = (form.on_request_of.data or "")[:MAX_REQUEST]
        if not on_request_of:  # the page shows the data, which is only shown on a request
            flash(_("Vul in op wiens verzoek u de gegevens verbetert."), "error")
            return _back(participant, "", "verbeteren")
        return _overview(participant, on_request_of, correction=form, status=400)
    corrections = Corrections(form.name.data, form.organisation.data or "",
                              form.function.data or "")  # fmt: skip
    changed = rights.correct(participant, corrections, _actor(form))
    db.session.commit()
    flash(_("De gegevens zijn verbeterd.") if changed else _("Er was niets te verbeteren."),
          "success")  # fmt: skip
    return _back(participant, form.on_request_of.data, "verbeteren")


@bp.route("/<int:participant_id>/toestemming/<int:consent_id>/intrekken", methods=["POST"])
@admin_required
def withdraw(participant_id: int, consent_id: int):
    participant = _person(participant_id)
    form = RequestForm()
    if not form.validate_on_submit():
        flash(_("Vul in op wiens verzoek u de toestemming intrekt."), "error")
        return _back(
            participant, request.form.get("on_request_of", "")[:MAX_REQUEST], "toestemming"
        )
    rights.withdraw_consent(participant, consent_id, _actor(form))
    db.session.commit()
    flash(_("De toestemming is ingetrokken."), "success")
    return _back(participant, form.on_request_of.data, "toestemming")


@bp.route("/<int:participant_id>/wissen", methods=["GET", "POST"])
@admin_required
def erase(participant_id: int):
    participant = _person(participant_id)
    plan = rights.plan(participant)
    form = RequestErasureForm(on_request_of=request.args.get("verzoek", "")[:MAX_REQUEST])
    if not plan.certificates:
        del form.certificates
    if form.validate_on_submit():
        keep = bool(plan.certificates) and form.certificates.data == KEEP
        rights.erase(participant, keep_certificates=keep, actor=_actor(form))
        db.session.commit()
        flash(_("De gegevens zijn gewist."), "success")
        return redirect(url_for(".find"))
    back = url_for(".person", participant_id=participant.id, verzoek=form.on_request_of.data or "")
    return render_form("privacy/requests_erase.html", form, plan=plan, participant=participant,
                       back=back)  # fmt: skip
