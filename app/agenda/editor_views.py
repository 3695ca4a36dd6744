"""Organisers: the timetable editor (a grid for the mouse and keyboard, plain forms for
everything) on the working copy, and releasing or discarding it. working.py decides whether an
edit changes the agenda itself (a draft) or the working copy (a published event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice as Choice

from app.accounts.permissions import organiser_required
from app.agenda import releases, rules, services, working
from app.agenda.forms import ReleaseForm, SessionForm
from app.agenda.manage_views import _editor, bp
from app.agenda.notifications import change_text, difference_text
from app.errors import DomainError, StaleEdit
from app.extensions import db
from app.forms import render_form, seen_version
from app.timezones import NonexistentLocalTime, from_local, to_local

LOCAL = "%Y-%m-%dT%H:%M"
DEFAULT_LENGTH = timedelta(hours=1)


def _local(moment: datetime) -> str:
    return to_local(moment).strftime(LOCAL)


def _item_json(event, item, in_conflict: set, changed: set) -> dict:
    released = item.session
    return {
        "id": item.key, "title": item.title, "kind": item.kind, "room_id": item.room_id,
        "starts_at": _local(item.starts_at), "ends_at": _local(item.ends_at),
        "cancelled": item.is_cancelled, "version": item.version, "conflict": item.key in in_conflict,
        "outside": item.starts_at < event.starts_at or item.ends_at > event.ends_at,
        "speakers": [s.name for s in item.speakers],
        "changed": item.key in changed and not item.is_new,
        "new": item.is_new and working.uses_working_copy(event),
        "edit_url": url_for(".edit_session", event_id=event.id, session_id=item.key),
        "move_url": url_for(".move_session", event_id=event.id, session_id=item.key),
        "attendance_url": (url_for(".attendance_list", event_id=event.id, session_id=released.id)
                           if released is not None else None),
        **_removal(event, item),
    }  # fmt: skip


REMOVALS = {"delete": (".delete_session", _l("Verwijderen")), "cancel": (".cancel_session", _l("Schrappen")),
            "restore": (".restore_session", _l("Terugzetten"))}  # fmt: skip


def _removal(event, item) -> dict:
    """The list's one action that takes a session off the agenda (or back on): working.py says which."""
    action = working.removal(event, item)
    if action is None:
        return {"remove_url": None, "remove_label": ""}
    endpoint, label = REMOVALS[action]
    return {
        "remove_url": url_for(endpoint, event_id=event.id, session_id=item.key),
        "remove_label": str(label),
    }


def state(event) -> dict:
    """Everything the timetable grid and the list under it show, from the same services as
    the pages: one state, so the two cannot disagree."""
    items = working.items(event)
    found = services.conflicts(event, items)
    in_conflict = {str(i) for c in found for i in c.session_ids if c.severity == rules.ERROR}
    found_differences = (
        releases.differences(event, items) if working.uses_working_copy(event) else []
    )
    language = str(get_locale())
    summary = [difference_text(d.what, d.before, d.after, language) for d in found_differences]
    changed = {d.item.key for d in found_differences}
    return {
        "event": {
            "id": event.id,
            "starts_at": _local(event.starts_at),
            "ends_at": _local(event.ends_at),
            "published": event.is_published,
            "working_copy": working.uses_working_copy(event),
            "new_url": url_for(".new_session", event_id=event.id),
        },  # fmt: skip
        "rooms": [
            {"id": r.id, "name": r.name, "capacity": r.capacity}
            for r in services.event_rooms(event)
        ],  # fmt: skip
        "sessions": [_item_json(event, item, in_conflict, changed) for item in items],
        "conflicts": [dict(c.as_json(), sessions=[str(i) for i in c.session_ids]) for c in found],
        "changes": len(summary),
        "summary": summary,
    }


def _editor_page(event, refused=None, status: int = 200):
    items = working.items(event)
    published = working.uses_working_copy(event)
    return render_template(
        "agenda/editor.html", event=event, sessions=items, rooms=services.event_rooms(event),
        conflicts=services.conflicts(event, items), refused=refused,
        differences=releases.differences(event, items) if published else [],
        releases=releases.releases_of(event) if published else [],
        version=releases.current_version(event), difference_text=difference_text,
        change_text=change_text, removal_of=lambda item: _removal(event, item),
    ), status  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/programma")
@organiser_required
def editor(event_id: int):
    return _editor_page(_editor(event_id))


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


@bp.route("/activiteiten/<int:event_id>/programma/<session_id>/verplaatsen", methods=["POST"])
@organiser_required
def move_session(event_id: int, session_id: str):
    """The grid's drag, resize and arrow keys: JSON in, the new state out. CSRF is checked on
    this POST like on every other (the X-CSRFToken header). A move made on an older state
    than the stored one is refused with 409 and the current state, never merged."""
    event = _editor(event_id)
    working.item_of(event, session_id)  # 404 before the body is even read
    starts_at, ends_at, room_id, version = _move_request()
    try:
        working.move(event, session_id, starts_at, ends_at, room_id, by=current_user,
                     seen_version=version)  # fmt: skip
        db.session.commit()
    except (StaleEdit, StaleDataError) as stale:
        db.session.rollback()
        message = stale.description if isinstance(stale, StaleEdit) else StaleEdit().description
        return jsonify({"error": str(message), "code": 409, "state": state(_editor(event_id))}), 409
    return jsonify(state(event))


def _session_form(event, item=None) -> SessionForm:
    form = SessionForm(obj=item)
    form.room_id.choices = [Choice("", _("Geen zaal"))] + [
        Choice(str(r.id), r.name) for r in services.event_rooms(event)
    ]
    form.speakers.choices = [Choice(s.id, s.name + (f" ({s.organisation})" if s.organisation else ""))
                             for s in services.all_speakers()]  # fmt: skip
    if form.is_submitted():
        return form
    if item is not None:
        form.room_id.data, form.speakers.data = item.room_id, [s.id for s in item.speakers]
        return form
    _prefill(event, form)
    return form


def _prefill(event, form: SessionForm) -> None:
    """A new session: where the organiser clicked on the grid (?starts_at, ends_at, room_id),
    else at the event's start; the end at start + the length last used on this agenda."""
    items = working.items(event)
    last = max(items, key=lambda i: (i.draft.updated_at if i.draft else i.session.created_at),
               default=None)  # fmt: skip
    length = (last.ends_at - last.starts_at) if last else DEFAULT_LENGTH
    start = event.starts_at
    try:
        start = _parse_local(request.args["starts_at"]) if "starts_at" in request.args else start
        end = _parse_local(request.args["ends_at"]) if "ends_at" in request.args else start + length
    except DomainError:
        start, end = event.starts_at, event.starts_at + length
    if end <= start:
        end = start + length
    form.starts_at.data = to_local(start).replace(tzinfo=None)
    form.ends_at.data = to_local(end).replace(tzinfo=None)
    rooms = {str(r.id) for r in services.event_rooms(event)}
    if request.args.get("room_id") in rooms:
        form.room_id.data = int(request.args["room_id"])


@bp.route("/activiteiten/<int:event_id>/programma/nieuw", methods=["GET", "POST"])
@organiser_required
def new_session(event_id: int):
    event = _editor(event_id)
    form = _session_form(event)
    if form.validate_on_submit():
        working.add(event, form.details(), services.speakers_by_id(form.speakers.data),
                    by=current_user)  # fmt: skip
        db.session.commit()
        flash(_("Programmaonderdeel toegevoegd."), "success")
        return redirect(url_for(".editor", event_id=event.id))
    return render_form("agenda/session_form.html", form, event=event, session=None)


@bp.route("/activiteiten/<int:event_id>/programma/<session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(event_id: int, session_id: str):
    event = _editor(event_id)
    item = working.item_of(event, session_id)
    if item.is_cancelled:  # nothing to edit: say so before anyone fills in the form
        flash(_("Dit programmaonderdeel is geschrapt; zet het eerst terug."), "error")
        return redirect(url_for(".editor", event_id=event.id))
    form = _session_form(event, item)
    if form.validate_on_submit():
        try:
            working.edit(event, session_id, form.details(), services.speakers_by_id(form.speakers.data),
                         by=current_user, seen_version=seen_version())  # fmt: skip
            db.session.commit()
        except (StaleEdit, StaleDataError):
            return _stale_session_form(event_id, session_id)
        flash(_("Wijzigingen opgeslagen."), "success")
        return redirect(url_for(".editor", event_id=event.id))
    return render_form("agenda/session_form.html", form, event=event, session=item)


def _stale_session_form(event_id: int, session_id: str):
    """Someone else saved first: show the form again with what is stored now."""
    db.session.rollback()
    event = _editor(event_id)
    item = working.item_of(event, session_id)
    choices = _session_form(event, item)
    form = SessionForm(formdata=None, obj=item)
    form.room_id.choices, form.speakers.choices = choices.room_id.choices, choices.speakers.choices
    form.room_id.data, form.speakers.data = item.room_id, [s.id for s in item.speakers]
    flash(str(StaleEdit().description), "error")
    return render_template("agenda/session_form.html", form=form, event=event, session=item), 409


@bp.route("/activiteiten/<int:event_id>/programma/<session_id>/schrappen", methods=["POST"])
@organiser_required
def cancel_session(event_id: int, session_id: str):
    event = _editor(event_id)
    working.cancel(event, session_id, by=current_user)
    db.session.commit()
    flash(_("Programmaonderdeel geschrapt.") if not working.uses_working_copy(event) else
          _("Programmaonderdeel geschrapt in de werkversie."), "success")  # fmt: skip
    return redirect(url_for(".editor", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/programma/<session_id>/terugzetten", methods=["POST"])
@organiser_required
def restore_session(event_id: int, session_id: str):
    event = _editor(event_id)
    working.restore(event, session_id)
    db.session.commit()
    flash(_("Programmaonderdeel staat weer in de werkversie."), "success")
    return redirect(url_for(".editor", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/programma/<session_id>/verwijderen", methods=["POST"])
@organiser_required
def delete_session(event_id: int, session_id: str):
    event = _editor(event_id)
    working.delete(event, session_id)
    db.session.commit()
    flash(_("Programmaonderdeel verwijderd."), "success")
    return redirect(url_for(".editor", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/programma/publiceren", methods=["GET", "POST"])
@organiser_required
def publish(event_id: int):
    """'Wijzigingen publiceren': the summary of differences and a note, then the release of
    exactly what was shown. With conflicts the editor itself answers, listing them."""
    event = _editor(event_id)
    releases.ensure_releasable(event)
    items = working.items(event)
    refused = releases.blockers(event, items)
    if refused:
        return _editor_page(event, refused=refused, status=409)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            release = releases.publish(
                event, form.note.data or "", by=current_user, seen=form.seen.data
            )
        except releases.ReleaseRefused as refusal:
            db.session.rollback()
            return _editor_page(_editor(event_id), refused=refusal.conflicts, status=409)
        except (releases.SummaryChanged, releases.NothingToRelease) as moved_on:
            db.session.rollback()
            return _summary_page(
                "agenda/publish.html", _editor(event_id), ReleaseForm(formdata=None), moved_on
            )
        db.session.commit()
        flash(_("Versie %(n)d gepubliceerd; berichten verstuurd: %(sent)d.",
                n=release.number, sent=release.mailed), "success")  # fmt: skip
        return redirect(url_for(".editor", event_id=event.id))
    return _summary_page("agenda/publish.html", event, form)


@bp.route("/activiteiten/<int:event_id>/programma/verwerpen", methods=["GET", "POST"])
@organiser_required
def discard(event_id: int):
    """'Wijzigingen verwerpen': back to the release, after saying what will be lost."""
    event = _editor(event_id)
    releases.ensure_releasable(event)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            releases.discard(event, seen=form.seen.data)
        except releases.SummaryChanged as moved_on:
            db.session.rollback()
            return _summary_page(
                "agenda/discard.html", _editor(event_id), ReleaseForm(formdata=None), moved_on
            )
        db.session.commit()
        flash(_("De werkversie is weer gelijk aan de gepubliceerde versie."), "success")
        return redirect(url_for(".editor", event_id=event.id))
    return _summary_page("agenda/discard.html", event, form)


def _summary_page(template: str, event, form: ReleaseForm, moved_on=None):
    """The summary to confirm, with its fingerprint; after `moved_on` (someone changed the
    working copy meanwhile, or published it) the new summary, said why, as a 409."""
    found = releases.differences(event)
    form.seen.data = releases.fingerprint(found)
    page = render_template(template, form=form, event=event, differences=found, moved_on=moved_on,
                           version=releases.current_version(event), difference_text=difference_text)  # fmt: skip
    return page, 409 if moved_on is not None else (400 if form.errors else 200)
