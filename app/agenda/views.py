"""Attendees: changing their workshops through the manage link."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.activity.services import change_workshops
from app.agenda.choices import choices_of
from app.agenda.forms import chosen_session_ids, workshop_form
from app.agenda.public import public_agenda
from app.extensions import db
from app.forms import render_form
from app.links import personal_page
from app.programme import lifecycle
from app.registration.language import in_registration_language
from app.registration.tokens import registration_by_token

bp = Blueprint("agenda", __name__)


@bp.route("/aanmelding/<token>/workshops", methods=["GET", "POST"])
@personal_page
@in_registration_language
def choose(token: str):
    registration = registration_by_token(token)
    event = registration.event
    reason = lifecycle.places_frozen_reason(event)
    if reason is not None and request.method == "GET":  # a POST is refused by the service
        return render_template("registration/frozen.html", event=event, reason=reason, token=token)
    agenda = public_agenda(event)
    chosen = {c.session_id for c in choices_of(registration)}
    form = workshop_form(agenda.rondes, agenda.counts, event.workshop_choice_required,
                         str(get_locale()), chosen)  # fmt: skip
    if form.validate_on_submit():
        outcome = change_workshops(registration, chosen_session_ids(form, agenda.rondes))
        db.session.commit()
        if outcome.waitlisted:
            flash(
                _("Uw keuze is opgeslagen. Voor een volle workshop staat u op de wachtlijst."),
                "success",
            )
        else:
            flash(_("Uw keuze is opgeslagen."), "success")
        return redirect(url_for("registration.manage", token=token))
    return render_form("agenda/choose.html", form, registration=registration, event=event,
                       token=token, rondes=agenda.rondes)  # fmt: skip
