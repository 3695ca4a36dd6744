"""Organisers: a message to one audience of an event's registrants — written, previewed as one
recipient will get it (and sent to oneself as a test), sent once — and the history of what was
sent, with each recipient's delivery. The routes are on registration_manage's blueprint."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.extensions import db
from app.forms import accepted
from app.mail.preview import policy_for_mail
from app.programme import services as programme
from app.registration import message_history as history
from app.registration import messages
from app.registration.manage_views import bp
from app.registration.message_forms import AUDIENCE_LABELS, GroupMessageForm, message_form
from app.timezones import utcnow


def _event(event_id: int):
    return programme.managed_event(current_user, event_id)


def _form(event, **kwargs) -> tuple[GroupMessageForm, list]:
    workshops = messages.workshops(event)
    return message_form(workshops, **kwargs), workshops


def _write_page(event, form: GroupMessageForm, workshops: list, status: int = 200):
    return render_template(
        "registration/manage/message.html",
        event=event,
        form=form,
        workshops=workshops,
        reach=messages.reach(event, messages.every_target(workshops)),
        labels=AUDIENCE_LABELS,
        refused=messages.why_no_messages(event),
    ), status


def _target(event, form: GroupMessageForm) -> messages.Target:
    return messages.target_for(event, form.audience.data, form.workshop_id())


@bp.route("/activiteiten/<int:event_id>/bericht", methods=["GET", "POST"])
@organiser_required
def message(event_id: int):
    """GET: write a message. POST (from the preview): send it."""
    event = _event(event_id)
    form, workshops = _form(event)
    if request.method == "GET":
        return _write_page(event, form, workshops)
    if not form.validate():
        return _write_page(event, form, workshops, 400)
    sent = None

    def send():
        nonlocal sent
        sent = messages.send_group_message(
            event, _target(event, form), form.subject.data, form.body.data,
            sent_by=current_user, shown_at=form.first_shown_at(),
        )  # fmt: skip

    if not accepted(form, "audience", send):
        return _write_page(event, form, workshops, 400)
    db.session.commit()
    if sent.repeated:
        flash(_("Dit bericht was al verstuurd; het is niet nog eens verstuurd."), "info")
        return redirect(url_for(".message_detail", event_id=event.id, message_id=sent.message.id))
    flash(_("Bericht verstuurd aan %(n)d personen.", n=sent.message.recipients), "success")
    target = _target(event, form)
    skipped = messages.reach(event, [target])[target].stopped
    if skipped:
        flash(_("%(n)d personen willen geen berichten van de organisatie meer en kregen dit bericht niet.", n=skipped), "info")  # fmt: skip
    return redirect(url_for(".message_detail", event_id=event.id, message_id=sent.message.id))


@bp.route("/activiteiten/<int:event_id>/bericht/voorbeeld", methods=["POST"])
@organiser_required
def message_preview(event_id: int):
    """The mail as one recipient will get it; "Aanpassen" goes back to the text as written."""
    event = _event(event_id)
    form, workshops = _form(event)
    if not form.validate():
        return _write_page(event, form, workshops, 400)
    if request.form.get("action") == "edit":
        return _write_page(event, form, workshops)
    messages.ensure_may_message(event)
    return _preview_page(event, form)


@bp.route("/activiteiten/<int:event_id>/bericht/test", methods=["POST"])
@organiser_required
def message_test(event_id: int):
    """The previewed mail to the organiser's own address, and the preview again."""
    event = _event(event_id)
    form, workshops = _form(event)
    if not form.validate():
        return _write_page(event, form, workshops, 400)
    people = messages.recipients(event, _target(event, form))
    messages.send_test(event, _rendered(event, form, people), current_user.email)
    db.session.commit()
    return _preview_page(event, form, test_sent_to=current_user.email)


def _rendered(event, form: GroupMessageForm, people) -> messages.Rendered:
    return messages.preview(event, form.subject.data, form.body.data, people,
                            form.recipient.data, stand_in=current_user.name)  # fmt: skip


def _preview_page(event, form: GroupMessageForm, test_sent_to: str = ""):
    target = _target(event, form)
    people = messages.recipients(event, target)
    rendered = _rendered(event, form, people)
    form.shown_at.data = form.shown_at.data or utcnow().isoformat()
    response = make_response(
        render_template(
            "registration/manage/message_preview.html",
            event=event,
            form=form,
            people=people,
            rendered=rendered,
            stopped=messages.reach(event, [target])[target].stopped,
            audience=_audience_label(target, form),
            test_sent_to=test_sent_to,
        )
    )
    response.headers["Content-Security-Policy"] = policy_for_mail(rendered.html)
    return response


def _audience_label(target: messages.Target, form: GroupMessageForm) -> str:
    label = str(AUDIENCE_LABELS[target.audience])
    if target.session_id is not None:
        label += (
            f": {next(c.label for c in form.workshop.choices if c.value == str(target.session_id))}"
        )
    return label


@bp.route("/activiteiten/<int:event_id>/berichten")
@organiser_required
def message_history(event_id: int):
    event = _event(event_id)
    return render_template(
        "registration/manage/messages_history.html",
        event=event,
        entries=history.history(event),
        labels=AUDIENCE_LABELS,
    )


@bp.route("/activiteiten/<int:event_id>/berichten/<int:message_id>")
@organiser_required
def message_detail(event_id: int, message_id: int):
    event = _event(event_id)
    entry = history.history_entry(event, message_id)
    return render_template(
        "registration/manage/message_detail.html",
        event=event,
        entry=entry,
        deliveries=history.deliveries(entry.message),
        labels=AUDIENCE_LABELS,
    )
