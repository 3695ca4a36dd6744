"""A person's rights from their manage link: ask for a link by mail, then, through it, see,
download, correct, withdraw consent and erase. The rules are app/privacy/rights.py's."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.errors import NotFoundHere
from app.extensions import db, limiter
from app.forms import render_form
from app.links import personal_page
from app.privacy import rights
from app.privacy.person_data import as_json
from app.privacy.person_page import readable
from app.privacy.rights import Corrections
from app.privacy.rights_forms import KEEP, CorrectionForm, ErasureForm
from app.registration.language import in_registration_language
from app.registration.tokens import registration_by_token
from app.timezones import utcnow

bp = Blueprint("rights", __name__)

# One person may not flood their own inbox (nor a stranger with their link) with these mails.
MAILS_PER_PERSON = "3 per 15 minutes;10 per day"
MAILS_PER_ADDRESS = "20 per hour"


def _person_key() -> str:
    try:
        return f"rights-mail:{registration_by_token(request.view_args['token']).participant_id}"
    except NotFoundHere:
        return "rights-mail:unknown"


def _a_mail_went_out(_response) -> bool:
    return g.get("rights_mailed", False)


@bp.route("/aanmelding/<token>/mijn-gegevens", methods=["POST"])
@limiter.limit(MAILS_PER_ADDRESS)
@limiter.limit(MAILS_PER_PERSON, key_func=_person_key, deduct_when=_a_mail_went_out)
@personal_page
@in_registration_language
def ask(token: str):
    registration = registration_by_token(token)
    rights.ask_link(registration)
    db.session.commit()
    g.rights_mailed = True
    minutes = current_app.config["PRIVACY_CONFIRM_MINUTES"]
    flash(ngettext(
        "We hebben een mail gestuurd naar %(email)s. Open de link erin binnen %(num)d minuut.",
        "We hebben een mail gestuurd naar %(email)s. Open de link erin binnen %(num)d minuten.",
        minutes, email=registration.participant.email), "success")  # fmt: skip
    return redirect(url_for("registration.manage", token=token, _anchor="mijn-gegevens"))


# --- behind the confirmed link -----------------------------------------------------------------


def _chosen_language() -> str | None:
    """A language chosen with the switch in this browser; it wins over the registration's."""
    chosen = session.get("language")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def _language(participant) -> str:
    latest = max(participant.registrations, key=lambda r: r.created_at, default=None)
    registered = latest.language if latest is not None else None
    if registered not in current_app.config["LANGUAGES"]:
        registered = None
    return _chosen_language() or registered or current_app.config["BABEL_DEFAULT_LOCALE"]


def behind_link(view):
    """The view gets the person the link is for, and runs in their language; an unknown,
    expired or stopped link gets a page that says how to get a new one."""

    @wraps(view)
    def wrapped(token: str, **kwargs):
        try:
            participant = rights.person_by_link(token)
        except (rights.UnknownLink, rights.LinkGone) as error:
            return render_template("privacy/rights_link_gone.html"), error.code
        with force_locale(_language(participant)):
            return view(token, participant, **kwargs)

    return personal_page(wrapped)


def _overview(token, participant, correction=None, status=200):
    form = correction or CorrectionForm(obj=rights.current_details(participant))
    context = {
        "data": rights.show(participant, rights.themselves()),
        "consents": rights.current_consents(participant),
        "form": form,
        "readable": readable,
        "token": token,
        "urls": {
            "download": url_for(".download", token=token),
            "correct": url_for(".correct", token=token),
            "erase": url_for(".erase", token=token),
            "withdraw": lambda consent_id: url_for(".withdraw", token=token, consent_id=consent_id),
        },
    }
    return render_template("privacy/rights_overview.html", **context), status


@bp.route("/mijn-gegevens/<token>")
@behind_link
def overview(token: str, participant):
    return _overview(token, participant)


@bp.route("/mijn-gegevens/<token>/gegevens.json")
@behind_link
def download(token: str, participant):
    data = rights.export(participant, rights.themselves())
    db.session.commit()
    name = f"mijn-gegevens-{utcnow():%Y-%m-%d}.json"
    return Response(as_json(data), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.route("/mijn-gegevens/<token>/corrigeren", methods=["POST"])
@behind_link
def correct(token: str, participant):
    form = CorrectionForm()
    if not form.validate_on_submit():
        return _overview(token, participant, correction=form, status=400)
    changed = rights.correct(participant, _corrections(form), rights.themselves())
    db.session.commit()
    flash(
        _("Uw gegevens zijn verbeterd.") if changed else _("Er was niets te verbeteren."), "success"
    )
    return redirect(url_for(".overview", token=token, _anchor="verbeteren"))


def _corrections(form) -> Corrections:
    return Corrections(form.name.data or "", form.organisation.data or "", form.function.data or "")


@bp.route("/mijn-gegevens/<token>/toestemming/<int:consent_id>/intrekken", methods=["POST"])
@behind_link
def withdraw(token: str, participant, consent_id: int):
    rights.withdraw_consent(participant, consent_id, rights.themselves())
    db.session.commit()
    flash(_("Uw toestemming is ingetrokken."), "success")
    return redirect(url_for(".overview", token=token, _anchor="toestemming"))


@bp.route("/mijn-gegevens/<token>/wissen", methods=["GET", "POST"])
@behind_link
def erase(token: str, participant):
    plan = rights.plan(participant)
    form = ErasureForm()
    if not plan.certificates:
        del form.certificates
    if form.validate_on_submit():
        keep = bool(plan.certificates) and form.certificates.data == KEEP
        language = _language(participant)
        rights.erase(participant, keep_certificates=keep, actor=rights.themselves())
        db.session.commit()
        return redirect(url_for(".erased", taal=language))
    return render_form("privacy/rights_erase.html", form, plan=plan, token=token,
                       back=url_for(".overview", token=token))  # fmt: skip


@bp.route("/mijn-gegevens/gewist")
def erased():
    """Needs nothing of the person: there is nothing left of them to show. `taal`: the
    language their pages were in."""
    language = request.args.get("taal", "")
    if language not in current_app.config["LANGUAGES"]:
        language = _chosen_language() or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        return render_template("privacy/rights_erased.html")


@bp.route("/mijn-gegevens/<token>/stoppen", methods=["POST"])
@behind_link
def stop(token: str, participant):
    rights.stop_link(token)
    db.session.commit()
    return render_template("privacy/rights_stopped.html")
