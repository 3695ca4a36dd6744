"""Organisers: registrations per event, one person's record, adding someone by hand, cancelling
(with a confirmation step), giving a place and moving on the waiting list, resending a link,
exports, and the event's own questions. (Messages: message_views.py, on this blueprint.)"""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.activity import services as activity
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.forms import render_form
from app.privacy import audit
from app.programme import services as programme
from app.registration import by_hand, consents, exports, listing, person, services
from app.registration import questions as event_questions
from app.registration.forms import MoveForm, QuestionForm
from app.registration.manage_forms import ResendLinkForm, by_hand_form
from app.registration.models import RegistrationStatus

bp = Blueprint("registration_manage", __name__, url_prefix="/beheer")


def _back(registration):
    """To the person's record when the action was taken there, else to the event's list."""
    if request.values.get("terug") == "persoon":
        return redirect(url_for(".person_page", registration_id=registration.id))
    return redirect(url_for(".registrations", event_id=registration.event_id))


@bp.route("/activiteiten/<int:event_id>/aanmeldingen")
@organiser_required
def registrations(event_id: int):
    event = programme.managed_event(current_user, event_id)
    status = request.args.get("status", "")
    if status not in ("", *RegistrationStatus):
        status = ""
    search = request.args.get("zoek", "")[:100]
    return render_template(
        "registration/manage/list.html",
        event=event,
        registrations=listing.registrations_for(event, status or None, search),
        counts=services.status_counts(event),
        seats_left=services.seats_left(event),
        status=status,
        search=search,
        move_form=MoveForm(formdata=None),
        frozen_reason=person.frozen_reason(event),
    )


@bp.route("/aanmeldingen/<int:registration_id>")
@organiser_required
def person_page(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    return _render_person(registration)


def _render_person(registration, status: int = 200):
    return render_template(
        "registration/manage/person.html",
        record=person.person_record(registration),
        consent_states=consents.states(registration),
        resend_form=ResendLinkForm(formdata=None),
        move_form=MoveForm(formdata=None),
        mail_kinds=person.MAIL_KINDS,
        mail_statuses=person.MAIL_STATUSES,
        check_in_methods=person.CHECK_IN_METHODS,
        cancelled_by=person.CANCELLED_BY,
    ), status


@bp.route("/activiteiten/<int:event_id>/aanmeldingen/nieuw", methods=["GET", "POST"])
@organiser_required
def add(event_id: int):
    """A phone or e-mail sign-up, entered by the organiser: the public form's fields and rules
    (by_hand.add_by_hand), and the organiser's choices of a place beyond capacity and a mail."""
    event = programme.managed_event(current_user, event_id)
    parts = by_hand_form(event)
    form = parts.form
    if form.validate_on_submit():
        try:
            outcome = by_hand.add_by_hand(
                event.id, parts.details(), parts.chosen_workshops(), by=current_user,
                beyond_capacity=form.beyond_capacity.data, tell=form.send_mail.data,
            )  # fmt: skip
        except (DomainError, StateConflict) as refused:  # e.g. the event was cancelled meanwhile
            db.session.rollback()
            flash(str(refused.description), "error")
            return _render_add(event, parts, refused.code)
        db.session.commit()
        flash(_added_message(outcome), "info" if outcome.already_registered else "success")
        return redirect(url_for(".person_page", registration_id=outcome.registration.id))
    return _render_add(event, parts, 400 if form.is_submitted() else 200)


def _render_add(event, parts, status: int):
    return render_template(
        "registration/manage/add.html",
        event=event,
        form=parts.form,
        extra_fields=parts.extra_fields,
        refusal=by_hand.refusal_reason(event),
        seats_left=services.seats_left(event),
    ), status


def _added_message(outcome: by_hand.ByHandOutcome) -> str:
    registration = outcome.registration
    if outcome.already_registered:
        return _(
            "%(name)s was al aangemeld met dit e-mailadres. Er is niets veranderd en niets verstuurd.",
            name=registration.name,
        )
    if outcome.beyond_capacity:
        said = _("%(name)s heeft een plaats, boven de capaciteit.", name=registration.name)
    elif registration.is_confirmed:
        said = _("%(name)s heeft een plaats.", name=registration.name)
    else:
        said = _(
            "De activiteit is vol: %(name)s staat op plaats %(position)d van de wachtlijst.",
            name=registration.name,
            position=registration.waitlist_position,
        )
    mailed = _("Er gaat een bevestiging per e-mail.") if outcome.mailed else _("Er is geen e-mail verstuurd.")  # fmt: skip
    return f"{said} {mailed}"


@bp.route("/aanmeldingen/<int:registration_id>/annuleren", methods=["GET", "POST"])
@organiser_required
def cancel(registration_id: int):
    """GET shows what cancelling will do (who moves up, who is mailed) and asks to confirm;
    POST (CSRF-checked like every POST) does it."""
    registration = listing.managed_registration(current_user, registration_id)
    if request.method == "POST":
        had_place = registration.is_confirmed
        cancelled = activity.cancel_registration(registration.id, by="organiser")
        # Recorded here: the cancelling rule knows only that "the organiser" did it, not who.
        audit.record(audit.Action.REGISTRATION_CANCELLED, by=current_user, registration=cancelled,
                     detail="had een plaats" if had_place else "stond op de wachtlijst")  # fmt: skip
        db.session.commit()
        flash(_("Aanmelding geannuleerd."), "success")
        return _back(registration)
    return render_template(
        "registration/manage/cancel_confirm.html",
        preview=person.cancel_preview(registration),
        registration=registration,
        event=registration.event,
        back_to=request.args.get("terug", ""),
    )


@bp.route("/aanmeldingen/<int:registration_id>/link-opnieuw", methods=["POST"])
@organiser_required
def resend_link(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    form = ResendLinkForm()
    person.resend_link(registration, stop_earlier=bool(form.stop_earlier.data), by=current_user)
    db.session.commit()
    flash(
        _("Er gaat een nieuwe link naar %(email)s. Eerdere links werken niet meer.", email=registration.participant.email)
        if form.stop_earlier.data
        else _("Er gaat een nieuwe link naar %(email)s.", email=registration.participant.email),
        "success",
    )  # fmt: skip
    return redirect(url_for(".person_page", registration_id=registration.id))


@bp.route("/aanmeldingen/<int:registration_id>/plaats-geven", methods=["POST"])
@organiser_required
def promote(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    services.promote_by_hand(registration.id, by=current_user)
    db.session.commit()
    flash(_("Deze persoon heeft nu een plaats en krijgt bericht."), "success")
    return _back(registration)


@bp.route("/aanmeldingen/<int:registration_id>/verplaatsen", methods=["POST"])
@organiser_required
def move(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    form = MoveForm()
    if not form.validate():
        flash(_("Geef een plaats op de wachtlijst op (1 of hoger)."), "error")
        if request.values.get("terug") == "persoon":
            return _render_person(registration, 400)
        return registrations(registration.event_id), 400  # the list again, with the message
    services.move_on_waitlist(registration.id, form.position.data, by=current_user)
    db.session.commit()
    flash(_("Wachtlijst bijgewerkt."), "success")
    return _back(registration)


@bp.route("/activiteiten/<int:event_id>/aanmeldingen.<any(csv, xlsx):kind>")
@organiser_required
def export(event_id: int, kind: str):
    event = programme.managed_event(current_user, event_id)
    rows = exports.registration_rows(event)
    audit.record(audit.Action.EXPORT, by=current_user, event=event,
                 detail=f"aanmeldingen ({kind}): {audit.people(len(rows) - 1)}")  # fmt: skip
    db.session.commit()  # the audit line, before anything leaves
    if kind == "csv":
        body, mimetype = exports.as_csv(rows), "text/csv"  # Werkzeug adds "; charset=utf-8"
    else:
        body = exports.as_xlsx(rows, title=_("Aanmeldingen"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"aanmeldingen-{event.slug}.{kind}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/activiteiten/<int:event_id>/vragen", methods=["GET", "POST"])
@organiser_required
def questions(event_id: int):
    event = programme.managed_event(current_user, event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        event_questions.add_question(
            event, form.text.data, form.kind.data, form.option_list(), form.required.data
        )
        db.session.commit()
        flash(_("Vraag toegevoegd."), "success")
        return redirect(url_for(".questions", event_id=event.id))
    return render_form(
        "registration/manage/questions.html",
        form,
        event=event,
        questions=event_questions.questions_for(event),
    )


@bp.route("/activiteiten/<int:event_id>/vragen/<int:question_id>/verwijderen", methods=["POST"])
@organiser_required
def remove_question(event_id: int, question_id: int):
    event = programme.managed_event(current_user, event_id)
    event_questions.remove_question(event, question_id)
    db.session.commit()
    flash(_("Vraag verwijderd."), "success")
    return redirect(url_for(".questions", event_id=event.id))
