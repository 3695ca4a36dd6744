"""Attendees: the registration form on the event page, and the personal manage link."""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.activity import services as activity
from app.activity.page import form_page, registration_page
from app.activity.posted_form import posted_form
from app.agenda import reading as agenda_reading
from app.attendance.codes import checkin_url, code_for_link
from app.errors import DomainError
from app.extensions import csrf, db, limiter
from app.forms import render_form
from app.links import personal_page
from app.programme import lifecycle
from app.programme import services as programme
from app.qr import qr_svg
from app.registration import consents, messages, services
from app.registration.forms import DetailsForm, build_form, details_from, event_fields, prefill
from app.registration.language import in_registration_language, language_for
from app.registration.questions import questions_for
from app.registration.tokens import registration_by_token, registration_by_unsubscribe_token
from app.timezones import format_moment

bp = Blueprint("registration", __name__)


def _per_address_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _per_email_limit() -> str:
    return current_app.config["REGISTRATION_EMAIL_RATE_LIMIT"]


def _email_key() -> str:
    # One address may not be used to flood someone's inbox with "your link again" mails.
    return "registration-email:" + request.form.get("email", "").strip().lower()


def _a_mail_went_out(_response) -> bool:
    # Only a post that mailed the address counts against it: invalid posts with a stranger's
    # address must not lock that person out of registering.
    return g.get("registration_mailed", False)


@bp.route("/activiteiten/<slug>/aanmelden", methods=["POST"])
@limiter.limit(_per_address_limit)
@limiter.limit(_per_email_limit, key_func=_email_key, deduct_when=_a_mail_went_out)
def register(slug: str):
    posted = posted_form(slug)
    form, shape = posted.form, posted.shape
    if form is None:
        flash(str(shape.closed_reason), "error")
        return redirect(url_for("programme.event", slug=slug))
    if form.website.data:
        raise DomainError(
            _(
                "Uw aanmelding lijkt automatisch verstuurd en is niet verwerkt. Laat het laatste veld leeg en probeer het opnieuw."
            )
        )
    if not form.validate_on_submit():
        return _form_again(slug)
    details = details_from(form, shape.questions, shape.accreditations, str(get_locale()))
    chosen = posted.chosen_workshops()
    try:
        outcome, workshops = activity.register(shape.event_id, details, chosen)
    except services.RegistrationClosed as closed:
        db.session.rollback()
        flash(str(closed.description), "error")
        return redirect(url_for("programme.event", slug=slug))
    except DomainError as refused:  # e.g. a workshop cancelled since the page was loaded
        db.session.rollback()
        flash(str(refused.description), "error")
        return _form_again(slug)
    position = services.position_to_show(outcome)
    full = activity.full_workshops(outcome, position, chosen, workshops)
    receipt = _receipt(slug, details.email, position, chosen, full)
    db.session.commit()
    g.registration_mailed = True
    session["registration_received"] = receipt
    return redirect(url_for(".registered", slug=slug))


def _form_again(slug: str):
    """The form with what was typed and why it was refused, and the places as they are now:
    built afresh (the kept form has no places), from the same posted data."""
    page = form_page(slug)
    if page.form is None:
        flash(str(page.closed_reason), "error")
        return redirect(url_for("programme.event", slug=slug))
    page.form.validate()
    return render_template(
        "registration/register.html",
        event=page.event,
        seats_left=services.seats_left(page.event),
        form=page.form,
        extra_fields=page.extra_fields,
    ), 400


def _receipt(
    slug: str, email: str, position: int | None, chosen: list[int], full: list[int]
) -> dict:
    """What the confirmation page repeats of the form just sent: the address typed, the
    workshops picked (and which of them wait for a place), and the status — the same for an
    address registered already as for a new one (`activity.full_workshops`)."""
    return {"slug": slug, "email": email, "position": position, "workshops": chosen,
            "full": full}  # fmt: skip


@bp.route("/activiteiten/<slug>/aangemeld")
def registered(slug: str):
    """The same page for a new registration and an address registered already: the form
    tells nobody whether an address is known. What the person has is in their mail."""
    event = programme.public_event(slug, viewer=current_user)
    receipt = session.pop("registration_received", None)
    if not isinstance(receipt, dict) or receipt.get("slug") != slug:
        return redirect(url_for("programme.event", slug=slug))
    chosen = set(receipt["workshops"])
    workshops = [
        (workshop, workshop.id in receipt["full"])
        for workshop in agenda_reading.event_sessions(event, include_cancelled=False)
        if workshop.id in chosen
    ]
    return render_template(
        "registration/registered.html",
        event=event,
        email=receipt["email"],
        position=receipt["position"],
        workshops=workshops,
    )


@bp.route("/aanmelding/<token>", methods=["GET", "POST"])
@personal_page
@in_registration_language
def manage(token: str):
    registration = registration_by_token(token)
    event = registration.event
    questions = questions_for(event)
    form = build_form(DetailsForm, event, questions, event.accreditations)
    if request.method == "GET":
        prefill(form, registration, questions, event.accreditations)
    elif form.validate_on_submit():
        activity.update_details(
            registration, details_from(form, questions, event.accreditations, registration.language)
        )
        db.session.commit()
        flash(_("Uw gegevens zijn bijgewerkt."), "success")
        return redirect(url_for(".manage", token=token))
    page = registration_page(registration)
    cancelled = registration.cancelled_at
    cancelled_on = format_moment(cancelled, str(get_locale())) if cancelled else None
    return render_form(
        "registration/manage.html",
        form,
        checkin_qr=_checkin_qr(registration, token),
        consent_states=consents.states(registration),
        certificate_ready=_certificate_ready(registration),
        registration=registration,
        event=event,
        token=token,
        frozen_reason=page.frozen_reason,
        workshops=page.workshops,
        extra_fields=event_fields(form, questions, event.accreditations),
        cancelled_on=cancelled_on,
    )


@bp.route("/aanmelding/<token>/toestemming/<purpose>/intrekken", methods=["POST"])
@personal_page
@in_registration_language
def withdraw_consent(token: str, purpose: str):
    registration = registration_by_token(token)
    consents.withdraw_consent(registration, purpose)
    db.session.commit()
    flash(_("Uw toestemming is ingetrokken."), "success")
    return redirect(url_for(".manage", token=token, _anchor="toestemming"))


@bp.route("/aanmelding/<token>/toestemming/<purpose>/geven", methods=["POST"])
@personal_page
@in_registration_language
def give_consent(token: str, purpose: str):
    registration = registration_by_token(token)
    consents.give_consent(registration, purpose)
    db.session.commit()
    flash(_("Bedankt, uw toestemming is vastgelegd."), "success")
    return redirect(url_for(".manage", token=token, _anchor="toestemming"))


def _certificate_ready(registration) -> bool:
    """Their bewijs van deelname can be downloaded: they were there, and it is over."""
    from app.attendance.services import was_present
    from app.certificates.services import ended

    return registration.is_confirmed and ended(registration.event) and was_present(registration.id)


def _checkin_qr(registration, token: str) -> Markup | None:
    """The desk's QR for someone with a place at an event still to come (or under way): the
    one the mail that brought them here carried."""
    if not registration.is_confirmed or lifecycle.phase(registration.event) not in (
        lifecycle.Phase.OPEN,
        lifecycle.Phase.STARTED,
    ):
        return None
    url = checkin_url(code_for_link(registration, token, source="manage"))
    db.session.commit()  # stored once; the same link shows the same code again
    return Markup(qr_svg(url))


@bp.route("/aanmelding/<token>/afmelden", methods=["GET", "POST"])
@personal_page
@in_registration_language
def cancel(token: str):
    registration = registration_by_token(token)
    page = registration_page(registration)
    if request.method == "GET" and page.frozen_reason and not registration.is_cancelled:
        return render_template("registration/frozen.html", event=page.event,
                               reason=page.frozen_reason, token=token)  # fmt: skip
    if request.method == "POST":
        activity.cancel_registration(registration.id, by="attendee")
        db.session.commit()
        flash(_("U bent afgemeld. U ontvangt een bevestiging per e-mail."), "success")
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/cancel.html", registration=registration, event=registration.event, token=token
    )


@bp.route("/aanmelding/<token>/nieuwe-link", methods=["POST"])
@personal_page
@in_registration_language
def renew_link(token: str):
    """Stop every link to this registration, this one too, and mail a fresh one."""
    registration = registration_by_token(token)
    activity.renew_links(registration)
    db.session.commit()
    return render_template("registration/link_renewed.html", event=registration.event)


@bp.route("/berichten-stoppen/<token>", methods=["GET", "POST"])
# RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" here with no cookies and
# so no CSRF token. That is safe to allow: this token can do nothing but stop the group messages
# of one registration, and doing it twice changes nothing.
@csrf.exempt
# A provider posts for many of its users from a few addresses; a per-address limit would refuse
# some of them, and a 256-bit token cannot be guessed anyway (like the other token routes).
@limiter.exempt
@personal_page
def stop_group_messages(token: str):
    registration = registration_by_unsubscribe_token(token)
    event = registration.event
    if request.method == "POST":
        messages.stop_group_messages(registration)
        db.session.commit()
    stopped = registration.group_messages_stopped_at is not None
    with force_locale(language_for(registration)):
        return render_template("registration/unsubscribe.html", event=event, stopped=stopped)
