"""Attendees: the registration form on the event page, and the personal manage link."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from app.agenda import services as agenda_services
from app.agenda.forms import chosen_session_ids, registration_form_with_workshops
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import render_form
from app.links import personal_page
from app.programme import services as programme
from app.registration import services
from app.registration.forms import (
    DetailsForm,
    build_form,
    details_from,
    event_fields,
    prefill,
)

bp = Blueprint("registration", __name__)


def _per_address_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _per_email_limit() -> str:
    return current_app.config["REGISTRATION_EMAIL_RATE_LIMIT"]


def _email_key() -> str:
    # One address may not be used to flood someone's inbox with "your link again" mails.
    return "registration-email:" + request.form.get("email", "").strip().lower()


@bp.route("/activiteiten/<slug>/aanmelden", methods=["POST"])
@limiter.limit(_per_address_limit)
@limiter.limit(_per_email_limit, key_func=_email_key)
def register(slug: str):
    event = programme.public_event(slug)
    agenda = agenda_services.public_agenda(event)
    parts = registration_form_with_workshops(event, agenda)
    form, questions = parts.form, parts.questions
    if form.website.data:
        raise DomainError(
            _(
                "Uw aanmelding lijkt automatisch verstuurd en is niet verwerkt. Laat het laatste veld leeg en probeer het opnieuw."
            )
        )
    if not form.validate_on_submit():
        return render_template(
            "registration/register.html",
            event=event,
            seats_left=services.seats_left(event),
            form=form,
            extra_fields=parts.fields,
        ), 400
    details = details_from(form, questions, event.accreditations, str(get_locale()))
    try:
        outcome, workshops = agenda_services.register_with_workshops(
            event.id, details, chosen_session_ids(form, agenda.rondes)
        )
    except services.RegistrationClosed as closed:
        db.session.rollback()
        flash(str(closed.description), "error")
        return redirect(url_for("programme.event", slug=slug))
    result = {
        "slug": slug,
        "already": outcome.already_registered,
        "status": outcome.registration.status,
        "position": outcome.registration.waitlist_position,
        "workshops": [s.title for s in workshops.confirmed] if workshops else [],
        "workshops_waiting": [s.title for s in workshops.waitlisted] if workshops else [],
        "choose_later": bool(agenda.rondes) and not outcome.registration.is_confirmed,
    }
    db.session.commit()
    session["registration_result"] = result
    return redirect(url_for(".registered", slug=slug))


@bp.route("/activiteiten/<slug>/aangemeld")
def registered(slug: str):
    event = programme.public_event(slug)
    result = session.pop("registration_result", None)
    if not result or result.get("slug") != slug:
        return redirect(url_for("programme.event", slug=slug))
    return render_template("registration/registered.html", event=event, result=result)


@bp.route("/aanmelding/<token>", methods=["GET", "POST"])
@personal_page
def manage(token: str):
    registration = services.registration_by_token(token)
    event = registration.event
    questions = services.questions_for(event)
    form = build_form(DetailsForm, event, questions, event.accreditations)
    if request.method == "GET":
        prefill(form, registration, questions, event.accreditations)
    elif form.validate_on_submit():
        services.update_details(
            registration, details_from(form, questions, event.accreditations, registration.language)
        )
        db.session.commit()
        flash(_("Uw gegevens zijn bijgewerkt."), "success")
        return redirect(url_for(".manage", token=token))
    has_rondes = bool(agenda_services.event_rondes(event))
    return render_form(
        "registration/manage.html",
        form,
        registration=registration,
        event=event,
        token=token,
        workshops=agenda_services.choices_of(registration) if has_rondes else None,
        extra_fields=event_fields(form, questions, event.accreditations),
    )


@bp.route("/aanmelding/<token>/afmelden", methods=["GET", "POST"])
@personal_page
def cancel(token: str):
    registration = services.registration_by_token(token)
    if request.method == "POST":
        services.cancel(registration.id, by="attendee")
        db.session.commit()
        flash(_("U bent afgemeld. U ontvangt een bevestiging per e-mail."), "success")
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/cancel.html", registration=registration, event=registration.event, token=token
    )
