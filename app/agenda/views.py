"""Attendees: changing their workshops through the manage link."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.agenda import services
from app.agenda.forms import chosen_session_ids, workshop_form
from app.extensions import db
from app.registration.tokens import registration_by_token

bp = Blueprint("agenda", __name__)


@bp.route("/aanmelding/<token>/workshops", methods=["GET", "POST"])
def choose(token: str):
    registration = registration_by_token(token)
    event = registration.event
    agenda = services.public_agenda(event)
    chosen = {c.session_id for c in services.choices_of(registration)}
    form = workshop_form(agenda.rondes, agenda.counts, event.workshop_choice_required,
                         str(get_locale()), chosen)  # fmt: skip
    if form.validate_on_submit():
        outcome = services.choose_workshops(registration, chosen_session_ids(form, agenda.rondes))
        db.session.commit()
        if outcome.waitlisted:
            flash(
                _("Uw keuze is opgeslagen. Voor een volle workshop staat u op de wachtlijst."),
                "success",
            )
        else:
            flash(_("Uw keuze is opgeslagen."), "success")
        return redirect(url_for("registration.manage", token=token))
    status = 400 if form.is_submitted() else 200
    response = render_template("agenda/choose.html", registration=registration, event=event,
                               form=form, token=token, rondes=agenda.rondes)  # fmt: skip
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
