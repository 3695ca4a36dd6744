"""Organisers: rooms and their door signs, speakers, and attendance lists. The timetable
editor and releases are in editor_views.py, on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.agenda import services
from app.agenda import speakers as speaker_rules
from app.agenda.door_signs import SignEvent, door_signs_pdf, signs_for
from app.agenda.forms import RoomForm, SpeakerForm
from app.agenda.models import SessionKind
from app.agenda.public import attendance
from app.errors import NotFoundHere
from app.extensions import db
from app.forms import accepted, render_form
from app.privacy import audit
from app.programme import services as programme
from app.registration.exports import as_xlsx
from app.timezones import format_day

bp = Blueprint("agenda_manage", __name__, url_prefix="/beheer")


def _editor(event_id: int):
    return programme.managed_event(current_user, event_id)


@bp.route("/activiteiten/<int:event_id>/zalen", methods=["GET", "POST"])
@organiser_required
def rooms(event_id: int):
    event = _editor(event_id)
    form = RoomForm()
    if form.validate_on_submit() and accepted(
        form, "name", lambda: services.add_room(event, form.data)
    ):
        db.session.commit()
        flash(_("Zaal toegevoegd."), "success")
        return redirect(url_for(".rooms", event_id=event.id))
    sessions = services.event_sessions(event, include_cancelled=False)
    return render_form("agenda/rooms.html", form, event=event, rooms=services.event_rooms(event),
                       sessions=sessions, counts=services.workshop_counts(event))  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/zalen/deurbordjes.pdf")
@organiser_required
def door_signs(event_id: int):
    """A door sign per room (`?zaal=<id>`: that room's only), to print on the day."""
    event = _editor(event_id)
    rooms = services.event_rooms(event)
    if "zaal" in request.args:
        rooms = [r for r in rooms if str(r.id) == request.args["zaal"]]
        if not rooms:
            raise NotFoundHere()
    signs = signs_for(rooms, services.event_sessions(event, include_cancelled=False))
    pdf = door_signs_pdf(SignEvent(event.title, format_day(event.starts_at)), signs)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="deurbordjes-{event.slug}.pdf"'})  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/zalen/<int:room_id>", methods=["GET", "POST"])
@organiser_required
def edit_room(event_id: int, room_id: int):
    event = _editor(event_id)
    room = services.room_of(event, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit() and accepted(
        form, "name", lambda: services.update_room(room, form.data)
    ):
        db.session.commit()
        flash(_("Zaal bijgewerkt."), "success")
        return redirect(url_for(".rooms", event_id=event.id))
    return render_form("agenda/room_form.html", form, event=event, room=room)


@bp.route("/sprekers", methods=["GET", "POST"])
@organiser_required
def speakers():
    form = SpeakerForm()
    if form.validate_on_submit():
        speaker_rules.save_speaker(form.data, by=current_user)
        db.session.commit()
        flash(_("Spreker toegevoegd."), "success")
        return redirect(url_for(".speakers"))
    return render_form("agenda/speakers.html", form, speakers=services.all_speakers(),
                       editable=speaker_rules.editable_by(current_user))  # fmt: skip


@bp.route("/sprekers/<int:speaker_id>", methods=["GET", "POST"])
@organiser_required
def edit_speaker(speaker_id: int):
    speaker = speaker_rules.speaker_for_edit(current_user, speaker_id)
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        speaker_rules.save_speaker(form.data, speaker, by=current_user)
        db.session.commit()
        flash(_("Spreker bijgewerkt."), "success")
        return redirect(url_for(".speakers"))
    return render_form("agenda/speaker_form.html", form, speaker=speaker,
                       edits=speaker_rules.edits_of(speaker))  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>/deelnemers")
@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>/deelnemers.<any(xlsx):kind>")
@organiser_required
def attendance_list(event_id: int, session_id: int, kind: str = "html"):
    """Who has a place in a workshop (or, for a plenary session, at the event), to sign: for
    its leaders. The waiting list is not on it."""
    event = _editor(event_id)
    session = services.session_of(event, session_id)
    people = attendance(session)
    if kind == "xlsx":
        rows = [[_("Naam"), _("Organisatie"), _("Functie"), _("Handtekening")]]
        rows += [[r.name, r.organisation, r.function, ""] for r in people]
        audit.record(audit.Action.EXPORT, by=current_user, event=event,
                     detail=f"deelnemers programmaonderdeel #{session.id} (xlsx): "
                     f"{audit.people(len(people))}")  # fmt: skip
        db.session.commit()
        return Response(as_xlsx(rows, title=session.title), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="deelnemers-{session.id}.xlsx"'})  # fmt: skip
    return render_template("agenda/attendance.html", event=event, session=session, people=people,
                           is_workshop=session.kind == SessionKind.WORKSHOP)  # fmt: skip


@bp.route("/sprekers.json", methods=["POST"])
@organiser_required
def add_speaker_json():
    """The session form's "new speaker" dialog: the speaker is added without leaving the form
    (or losing what was typed in it). Form-encoded, CSRF-checked like every POST."""
    form = SpeakerForm()
    if not form.validate_on_submit():
        errors = [f"{form[name].label.text}: {message}" for name, messages in form.errors.items()
                  for message in messages]  # fmt: skip
        return jsonify({"error": " ".join(errors), "code": 400}), 400
    speaker = speaker_rules.save_speaker(form.data, by=current_user)
    db.session.commit()
    label = speaker.name + (f" ({speaker.organisation})" if speaker.organisation else "")
    return jsonify({"id": speaker.id, "name": speaker.name, "label": label}), 201
