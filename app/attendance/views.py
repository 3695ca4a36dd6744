"""The desk on the day (/balie): the scanner, the list, the QR landing page, walk-ins.

Thin: each view asks `services` whether the user may use this event's desk (a plain 404
otherwise, naming nothing), calls one rule and commits."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)  # fmt: skip
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import desk_required
from app.agenda.forms import chosen_session_ids
from app.agenda.reading import event_rondes, workshop_counts
from app.attendance import codes, desk, services
from app.attendance.forms import walk_in_form
from app.attendance.models import CheckInMethod
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db, login_manager
from app.forms import ConfirmForm
from app.links import personal_page
from app.programme import lifecycle
from app.registration.services import RegistrationDetails
from app.timezones import utcnow

bp = Blueprint("attendance", __name__, url_prefix="/balie")

MAX_ACTIONS = 500  # one upload after a long time offline; more waits for the next


def _locale() -> str:
    return str(get_locale() or "nl")


def _session_arg(event):
    return desk.desk_session(event, request.args.get("sessie", ""))


@bp.after_request
def _desk_headers(response: Response) -> Response:
    # Names of people: never kept by a proxy. The desk's own copy lives in its IndexedDB.
    response.headers["Cache-Control"] = "no-store"
    if request.endpoint in ("attendance.scanner", "attendance.desk_list"):
        response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response


@bp.route("/")
@desk_required
def index():
    now = utcnow()
    events = sorted(
        services.desk_events(current_user, now), key=lambda e: (e.ends_at <= now, e.starts_at)
    )  # what is on or coming first
    return render_template("attendance/index.html", events=events, now=now)


@bp.route("/<int:event_id>")
@desk_required
def scanner(event_id: int):
    event = services.desk_event(current_user, event_id)
    return render_template("attendance/scanner.html", event=event, session=_session_arg(event),
                           sessions=desk.desk_sessions(event))  # fmt: skip


@bp.route("/<int:event_id>/lijst")
@desk_required
def desk_list(event_id: int):
    event = services.desk_event(current_user, event_id)
    session = _session_arg(event)
    return render_template(
        "attendance/list.html",
        event=event,
        session=session,
        sessions=desk.desk_sessions(event),
        listing=desk.desk_list(event, session, _locale()),
        may_give_place=current_user.may_organise,
        form=ConfirmForm(),
    )


@bp.route("/<int:event_id>/stand.json")
@desk_required
def state(event_id: int):
    """What the desks poll every few seconds; 304 while nothing changed."""
    event = services.desk_event(current_user, event_id)
    listing = desk.desk_list(event, _session_arg(event), _locale())
    etag = listing.etag()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = jsonify(listing.as_json())
    response.set_etag(etag)
    return response


def _moment(raw) -> datetime | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _action_result(event, action) -> dict:
    """One desk action: {"id", "action": "in"|"undo", "registration", "session"?, "at"?,
    "method"?}. Each in its own transaction, so one refusal leaves the rest stored."""
    if not isinstance(action, dict):
        return {"id": None, "status": "refused", "message": _("Onleesbare actie.")}
    client_id, kind = action.get("id"), action.get("action")
    registration_id, session_id = action.get("registration"), action.get("session")
    method = action.get("method", CheckInMethod.LIST)
    valid = (
        isinstance(client_id, str) and 8 <= len(client_id) <= 64
        and kind in ("in", "undo")
        and isinstance(registration_id, int) and 0 < registration_id < 2**31
        and (session_id is None or (isinstance(session_id, int) and 0 < session_id < 2**31))
        and method in (CheckInMethod.LIST, CheckInMethod.QR)
    )  # fmt: skip
    if not valid:
        return {"id": client_id if isinstance(client_id, str) else None, "status": "refused",
                "message": _("Onleesbare actie.")}  # fmt: skip
    try:
        services.ensure_of_event(event, registration_id)
        if kind == "in":
            outcome = services.check_in(registration_id, current_user, session_id=session_id,
                                        method=method, client_id=client_id,
                                        at=_moment(action.get("at")))  # fmt: skip
            status = "stored" if outcome.stored else "already"
        else:
            services.undo(registration_id, current_user, session_id=session_id,
                          at=_moment(action.get("at")))  # fmt: skip
            status = "undone"
        db.session.commit()
    except (DomainError, StateConflict, NotFoundHere) as refused:
        db.session.rollback()
        return {"id": client_id, "status": "refused", "message": str(refused.description)}
    return {"id": client_id, "status": status}


@bp.route("/<int:event_id>/acties", methods=["POST"])
@desk_required
def actions(event_id: int):
    """Check-ins and undos from a desk, as they happened (also while it was offline)."""
    event = services.desk_event(current_user, event_id)
    body = request.get_json(silent=True)
    batch = body.get("actions") if isinstance(body, dict) else None
    if not isinstance(batch, list) or len(batch) > MAX_ACTIONS:
        return jsonify({"error": _("Verwacht: een lijst acties."), "code": 400}), 400
    event_id = event.id
    results = []
    for action in batch:
        event = services.desk_event(current_user, event_id)  # fresh after each commit
        results.append(_action_result(event, action))
    return jsonify({"results": results})


@bp.route("/<int:event_id>/scan", methods=["POST"])
@desk_required
def scan(event_id: int):
    """A code the scanner read that this desk did not know (or a desk without the list)."""
    event = services.desk_event(current_user, event_id)
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    session = _session_arg(event)
    registration = codes.registration_for_code(code) if isinstance(code, str) else None
    if registration is None or registration.event_id != event.id:
        return jsonify(
            {"status": "unknown", "message": _("Onbekende code voor deze activiteit.")}
        ), 404
    person = _person(registration)
    try:
        outcome = services.check_in(registration.id, current_user, method=CheckInMethod.QR,
                                    session_id=session.id if session else None)  # fmt: skip
        # The answer is read before the commit, which would expire what it reads.
        answer = {"status": "stored" if outcome.stored else "already", "person": person,
                  **_when(outcome.check_in)}  # fmt: skip
        db.session.commit()
    except (DomainError, StateConflict) as refused:
        db.session.rollback()
        return jsonify({"status": "refused", "message": str(refused.description),
                        "person": person}), 409  # fmt: skip
    return jsonify(answer)


def _person(registration) -> dict:
    return {"id": registration.id, "name": registration.name,
            "organisation": registration.organisation, "status": registration.status,
            "workshops": desk.workshops_for(registration.id, _locale())}  # fmt: skip


def _when(check_in) -> dict:
    from app.timezones import format_clock

    by = check_in.checked_in_by.name if check_in.checked_in_by else ""
    return {"at": format_clock(check_in.checked_in_at, _locale()), "by": by}


# --- the QR's own page ----------------------------------------------------------------------


def _scanned(code: str):
    """The registration behind a scanned code, for a user who may check it in. Anyone else
    learns nothing: not logged in, the login; logged in, the same 404 as a made-up code."""
    if not current_user.is_authenticated:
        return None
    registration = codes.registration_for_code(code)
    if registration is None or not services.may_use_desk(current_user, registration.event):
        raise NotFoundHere(_("Onbekende code."))
    return registration


@bp.route("/c/<code>", methods=["GET", "POST"])
@personal_page
def scan_page(code: str):
    registration = _scanned(code)
    if registration is None:
        return login_manager.unauthorized()
    form = ConfirmForm()
    stored, refusal = None, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            outcome = services.check_in(registration.id, current_user, method=CheckInMethod.QR)
            db.session.commit()
            stored = outcome.stored
        except (DomainError, StateConflict) as refused:
            db.session.rollback()
            refusal = str(refused.description)
    current = services.standing(registration.id, None)
    return render_template(
        "attendance/scanned.html",
        registration=registration,
        event=registration.event,
        check_in=current,
        stored=stored,
        refusal=refusal,
        workshops=desk.workshops_for(registration.id),
        form=form,
    ), (409 if refusal else 200)


# --- the desk gives places ------------------------------------------------------------------


@bp.route("/<int:event_id>/binnenloper", methods=["GET", "POST"])
@desk_required
def walk_in(event_id: int):
    event = services.desk_event(current_user, event_id)
    try:
        lifecycle.ensure_desk_may_seat(event)
    except StateConflict as closed:  # cancelled or over: say so before anyone fills in a form
        flash(str(closed.description), "error")
        return redirect(url_for(".desk_list", event_id=event.id))
    rondes = event_rondes(event)
    form = walk_in_form(rondes, workshop_counts(event) if rondes else {}, _locale())
    if form.validate_on_submit():
        details = RegistrationDetails(name=form.name.data, email=form.email.data,
                                      organisation=form.organisation.data or "",
                                      language=_locale())  # fmt: skip
        try:
            outcome = services.walk_in(event, details, chosen_session_ids(form, rondes),
                                       current_user)  # fmt: skip
            db.session.commit()
        except (DomainError, StateConflict) as refused:
            db.session.rollback()
            flash(str(refused.description), "error")
        else:
            name = outcome.check_in.registration.name
            flash(_("%(name)s heeft een plaats en is ingecheckt.", name=name) if outcome.stored
                  else _("%(name)s was al ingecheckt.", name=name), "success")  # fmt: skip
            return redirect(url_for(".desk_list", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    return render_template("attendance/walk_in.html", event=event, form=form,
                           seats_left=desk.registration_services.seats_left(event)), status  # fmt: skip


@bp.route("/<int:event_id>/plaats/<int:registration_id>", methods=["POST"])
@desk_required
def give_place(event_id: int, registration_id: int):
    event = services.desk_event(current_user, event_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.ensure_of_event(event, registration_id)
        registration = services.give_place(registration_id, current_user)
        db.session.commit()
        flash(_("%(name)s heeft een plaats.", name=registration.name), "success")
    except (DomainError, StateConflict) as refused:
        db.session.rollback()
        flash(str(refused.description), "error")
    return redirect(url_for(".desk_list", event_id=event.id))


@bp.route("/sw.js")
def service_worker():
    """The desk's service worker, from /balie/ so that its scope is the desk."""
    response = Response(render_template("attendance/sw.js"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
