"""Organisers: the timetable editor (a grid for the mouse and keyboard, and plain forms for
everything), rooms, speakers, announcing changes, attendance lists and the room overview."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice as Choice

from app.accounts.permissions import organiser_required
from app.agenda import services
from app.agenda import speakers as speaker_rules
from app.agenda.changes import announce_changes, pending_changes
from app.agenda.door_signs import SignEvent, door_signs_pdf, signs_for
from app.agenda.forms import RoomForm, SessionForm, SpeakerForm
from app.agenda.models import SessionKind
from app.agenda.notifications import change_text
from app.agenda.public import attendance
from app.errors import DomainError, NotFoundHere, StaleEdit
from app.extensions import db
from app.forms import accepted, render_form, seen_version
from app.programme import services as programme
from app.registration.exports import as_xlsx
from app.timezones import NonexistentLocalTime, format_day, from_local, to_local

bp = Blueprint("agenda_manage", __name__, url_prefix="/beheer")

LOCAL = "%Y-%m-%dT%H:%M"


def _editor(event_id: int, *, lock: bool = False):
    return programme.managed_event(current_user, event_id, lock=lock)


def _session_form(event, session=None) -> SessionForm:
    form = SessionForm(obj=session)
    form.room_id.choices = [Choice("", _("Geen zaal"))] + [
        Choice(str(r.id), r.name) for r in services.event_rooms(event)
    ]
    form.speakers.choices = [Choice(s.id, s.name + (f" ({s.organisation})" if s.organisation else ""))
                             for s in services.all_speakers()]  # fmt: skip
    if not form.is_submitted():
        if session is not None:
            form.room_id.data = session.room_id
            form.speakers.data = [s.id for s in session.speakers]
        else:
            start = to_local(event.starts_at).replace(tzinfo=None)
            form.starts_at.data = form.starts_at.data or start
    return form


def state(event) -> dict:
    """Everything the timetable grid shows, from the same services as the pages."""
    sessions = services.event_sessions(event)
    found = services.conflicts(event, sessions)
    in_conflict = {i for c in found for i in c.session_ids if c.severity == "error"}
    return {
        "event": {
            "id": event.id,
            "starts_at": to_local(event.starts_at).strftime(LOCAL),
            "ends_at": to_local(event.ends_at).strftime(LOCAL),
            "published": event.is_published,
        },  # fmt: skip
        "rooms": [
            {"id": r.id, "name": r.name, "capacity": r.capacity}
            for r in services.event_rooms(event)
        ],
        "sessions": [
            {
                "id": s.id,
                "title": s.title,
                "kind": s.kind,
                "room_id": s.room_id,
                "starts_at": to_local(s.starts_at).strftime(LOCAL),
                "ends_at": to_local(s.ends_at).strftime(LOCAL),
                "cancelled": s.is_cancelled,
                "version": s.version,
                "conflict": s.id in in_conflict,
                "edit_url": url_for(".edit_session", event_id=event.id, session_id=s.id),
                "move_url": url_for(".move_session", event_id=event.id, session_id=s.id),
            }  # fmt: skip
            for s in sessions
        ],
        "conflicts": [c.as_json() for c in found],
        "pending_changes": len(pending_changes(event)),
    }


@bp.route("/activiteiten/<int:event_id>/programma")
@organiser_required
def editor(event_id: int):
    event = _editor(event_id)
    sessions = services.event_sessions(event)
    return render_template(
        "agenda/editor.html",
        event=event,
        sessions=sessions,
        rooms=services.event_rooms(event),
        conflicts=services.conflicts(event, sessions),
        pending=pending_changes(event),
        change_text=change_text,
    )


@bp.route("/activiteiten/<int:event_id>/programma.json")
@organiser_required
def editor_state(event_id: int):
    return jsonify(state(_editor(event_id)))


def _parse_local(value) -> datetime:
    try:
        return from_local(datetime.strptime(str(value)[:20], LOCAL))
    except (ValueError, OverflowError, NonexistentLocalTime):
        raise DomainError(_("Ongeldige tijd: %(value)s", value=str(value)[:20])) from None


def _small_int(value, message: str) -> int:
    """An id or version from JSON: a whole number a database column can hold."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DomainError(message)
    try:
        number = int(value)
    except ValueError:
        raise DomainError(message) from None
    if not 0 < number < 2**31:
        raise DomainError(message)
    return number


def _move_request() -> tuple[datetime, datetime, int | None, int | None]:
    """The body of a drag: {"starts_at", "ends_at", "room_id", "version"}, nothing else."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested thousands deep: `silent` only covers ValueError
        data = None
    if not isinstance(data, dict):
        raise DomainError(_("Verwacht een JSON-object met starts_at, ends_at en room_id."))
    starts_at, ends_at = _parse_local(data.get("starts_at")), _parse_local(data.get("ends_at"))
    if ends_at <= starts_at:
        raise DomainError(_("Het einde ligt na het begin."))
    room_id = data.get("room_id")
    room_id = None if room_id in (None, "") else _small_int(room_id, _("Onbekende zaal."))
    version = data.get("version")
    version = None if version is None else _small_int(version, _("Ongeldige versie."))
    return starts_at, ends_at, room_id, version


@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>/verplaatsen", methods=["POST"])
@organiser_required
def move_session(event_id: int, session_id: int):
    """The grid's drag, resize and arrow keys: JSON in, the new state out. CSRF is checked on
    this POST like on every other (the X-CSRFToken header). A move made on an older state
    than the stored one is refused with 409 and the current state, never merged."""
    event = _editor(event_id)
    session = services.session_of(event, session_id)
    starts_at, ends_at, room_id, version = _move_request()
    try:
        services.move_session(session, starts_at, ends_at, room_id, by=current_user,
                              seen_version=version)  # fmt: skip
        db.session.commit()
    except (StaleEdit, StaleDataError) as stale:
        db.session.rollback()
        message = (
            stale.description if isinstance(stale, StaleEdit) else str(StaleEdit().description)
        )
        current = _editor(event_id)
        return jsonify({"error": str(message), "code": 409, "state": state(current)}), 409
    return jsonify(state(event))


@bp.route("/activiteiten/<int:event_id>/programma/nieuw", methods=["GET", "POST"])
@organiser_required
def new_session(event_id: int):
    event = _editor(event_id)
    form = _session_form(event)
    if form.validate_on_submit():
        services.add_session(
            event, form.details(), services.speakers_by_id(form.speakers.data), by=current_user
        )
        db.session.commit()
        flash(_("Programmaonderdeel toegevoegd."), "success")
        return redirect(url_for(".editor", event_id=event.id))
    return render_form("agenda/session_form.html", form, event=event, session=None)


@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(event_id: int, session_id: int):
    event = _editor(event_id)
    session = services.session_of(event, session_id)
    form = _session_form(event, session)
    if form.validate_on_submit():
        try:
            services.update_session(session, form.details(), services.speakers_by_id(form.speakers.data),
                                    by=current_user, seen_version=seen_version())  # fmt: skip
            db.session.commit()
        except (StaleEdit, StaleDataError):
            return _stale_session_form(event_id, session_id)
        flash(_("Wijzigingen opgeslagen."), "success")
        return redirect(url_for(".editor", event_id=event.id))
    return render_form("agenda/session_form.html", form, event=event, session=session)


def _stale_session_form(event_id: int, session_id: int):
    """Someone else saved first: show the form again with what is stored now."""
    db.session.rollback()
    event = _editor(event_id)
    session = services.session_of(event, session_id)
    form = SessionForm(formdata=None, obj=session)
    form.room_id.choices = _session_form(event, session).room_id.choices
    form.speakers.choices = _session_form(event, session).speakers.choices
    form.room_id.data, form.speakers.data = session.room_id, [s.id for s in session.speakers]
    flash(str(StaleEdit().description), "error")
    return render_template("agenda/session_form.html", form=form, event=event, session=session), 409


@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>/schrappen", methods=["POST"])
@organiser_required
def cancel_session(event_id: int, session_id: int):
    event = _editor(event_id)
    services.cancel_session(services.session_of(event, session_id), by=current_user)
    db.session.commit()
    flash(_("Programmaonderdeel geschrapt."), "success")
    return redirect(url_for(".editor", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/programma/<int:session_id>/verwijderen", methods=["POST"])
@organiser_required
def delete_session(event_id: int, session_id: int):
    event = _editor(event_id)
    services.delete_session(services.session_of(event, session_id))
    db.session.commit()
    flash(_("Programmaonderdeel verwijderd."), "success")
    return redirect(url_for(".editor", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/programma/wijzigingen-versturen", methods=["POST"])
@organiser_required
def announce(event_id: int):
    event = _editor(event_id)
    sent = announce_changes(event)
    db.session.commit()
    flash(_("Wijzigingen verstuurd aan %(n)d personen.", n=sent), "success")
    return redirect(url_for(".editor", event_id=event.id))


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
    """Who is in a workshop (or, for a plenary session, everyone with a place): for its leaders."""
    event = _editor(event_id)
    session = services.session_of(event, session_id)
    people = attendance(session)
    if kind == "xlsx":
        rows = [[_("Naam"), _("Organisatie"), _("Functie"), _("Status"), _("Handtekening")]]
        rows += [[r.name, r.organisation, r.function,
                  _("wachtlijst") if waiting else _("aangemeld"), ""] for r, waiting in people]  # fmt: skip
        return Response(as_xlsx(rows, title=session.title), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="deelnemers-{session.id}.xlsx"'})  # fmt: skip
    return render_template("agenda/attendance.html", event=event, session=session, people=people,
                           is_workshop=session.kind == SessionKind.WORKSHOP)  # fmt: skip
