"""Organisers: the mail about their event that has not arrived, and sending it again."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.extensions import db
from app.mail import admin
from app.mail.services import MAX_ATTEMPTS
from app.programme import services as programme

bp = Blueprint("mail_manage", __name__, url_prefix="/beheer")


def _back_to_page(event):
    return redirect(url_for(".event_mail", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/mail")
@organiser_required
def event_mail(event_id: int):
    event = programme.managed_event(current_user, event_id)
    return render_template(
        "mail/manage/event.html",
        event=event,
        counts=admin.status_counts(event),
        messages=admin.undelivered(event),
        listed=admin.LISTED,
        max_attempts=MAX_ATTEMPTS,
    )


@bp.route("/activiteiten/<int:event_id>/mail/<int:message_id>/opnieuw", methods=["POST"])
@organiser_required
def resend(event_id: int, message_id: int):
    event = programme.managed_event(current_user, event_id)
    recipient = admin.resend(event, message_id).recipient
    db.session.commit()
    flash(_("Het bericht aan %(recipient)s wordt opnieuw verstuurd.", recipient=recipient), "success")  # fmt: skip
    return _back_to_page(event)


@bp.route("/activiteiten/<int:event_id>/mail/opnieuw", methods=["POST"])
@organiser_required
def resend_failed(event_id: int):
    event = programme.managed_event(current_user, event_id)
    count = admin.resend_failed(event)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d mislukt bericht wordt opnieuw verstuurd.",
            "%(num)d mislukte berichten worden opnieuw verstuurd.",
            count,
        ),
        "success",
    )
    return _back_to_page(event)
