"""Organisers: registrations per event, cancel and promote by hand, exports, messages, and
the event's own questions."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.activity import services as activity
from app.extensions import db
from app.forms import render_form
from app.programme import services as programme
from app.registration import exports, listing, messages, services
from app.registration import questions as event_questions
from app.registration.forms import MessageForm, MoveForm, QuestionForm
from app.registration.models import RegistrationStatus

bp = Blueprint("registration_manage", __name__, url_prefix="/beheer")


def _back_to_list(registration):
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
    )


@bp.route("/aanmeldingen/<int:registration_id>/annuleren", methods=["POST"])
@organiser_required
def cancel(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    activity.cancel_registration(registration.id, by="organiser")
    db.session.commit()
    flash(_("Aanmelding geannuleerd."), "success")
    return _back_to_list(registration)


@bp.route("/aanmeldingen/<int:registration_id>/plaats-geven", methods=["POST"])
@organiser_required
def promote(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    services.promote_by_hand(registration.id)
    db.session.commit()
    flash(_("Deze persoon heeft nu een plaats en krijgt bericht."), "success")
    return _back_to_list(registration)


@bp.route("/aanmeldingen/<int:registration_id>/verplaatsen", methods=["POST"])
@organiser_required
def move(registration_id: int):
    registration = listing.managed_registration(current_user, registration_id)
    form = MoveForm()
    if not form.validate():
        flash(_("Geef een plaats op de wachtlijst op (1 of hoger)."), "error")
        return registrations(registration.event_id), 400  # the list again, with the message
    services.move_on_waitlist(registration.id, form.position.data)
    db.session.commit()
    flash(_("Wachtlijst bijgewerkt."), "success")
    return _back_to_list(registration)


@bp.route("/activiteiten/<int:event_id>/aanmeldingen.<any(csv, xlsx):kind>")
@organiser_required
def export(event_id: int, kind: str):
    event = programme.managed_event(current_user, event_id)
    rows = exports.registration_rows(event)
    if kind == "csv":
        body, mimetype = exports.as_csv(rows), "text/csv; charset=utf-8"
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


@bp.route("/activiteiten/<int:event_id>/bericht", methods=["GET", "POST"])
@organiser_required
def message(event_id: int):
    event = programme.managed_event(current_user, event_id)
    form = MessageForm()
    if form.validate_on_submit():
        sent = messages.message_registrants(
            event, form.audience.data, form.subject.data, form.body.data
        )
        skipped = messages.group_messages_stopped(event, form.audience.data)
        db.session.commit()
        flash(_("Bericht verstuurd aan %(n)d personen.", n=sent), "success")
        if skipped:
            flash(
                _(
                    "%(n)d personen willen geen berichten van de organisatie meer en kregen dit bericht niet.",
                    n=skipped,
                ),
                "info",
            )
        return redirect(url_for(".registrations", event_id=event.id))
    return render_form("registration/manage/message.html", form, event=event)


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
