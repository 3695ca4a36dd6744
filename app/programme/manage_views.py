"""Organiser pages for events, accreditations and themes (under /beheer)."""

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice as Choice

from app.accounts import services as accounts
from app.accounts.permissions import admin_required, organiser_required
from app.activity import services as activity
from app.errors import StaleEdit
from app.extensions import db
from app.forms import accepted, render_form, seen_version
from app.programme import services
from app.programme.forms import AccreditationForm, DuplicateEventForm, EventForm, ThemeForm
from app.programme.themes import create_theme, update_theme
from app.registration import listing

bp = Blueprint("programme_manage", __name__, url_prefix="/beheer")


def _event_form(event=None, *, stored: bool = False) -> tuple[EventForm, dict]:
    """The event form; `stored`: filled from the database, not from what was posted."""
    form = EventForm(obj=event, **({"formdata": None} if stored else {}))
    themes = services.all_themes()
    form.themes.choices = [Choice(t.id, t.name) for t in themes]
    if current_user.is_admin:
        form.organisers.choices = [Choice(u.id, u.name) for u in accounts.organisers()]
    else:
        del form.organisers  # organisers own what they create; admins hand events around
    if event is not None and (stored or not form.is_submitted()):
        form.themes.data = [t.id for t in event.themes]
        if "organisers" in form:
            form.organisers.data = [u.id for u in event.organisers]
    return form, {t.id: t for t in themes}


def _creation_key() -> str:
    """A key per blank form: posting the same form twice (a double click) makes one event."""
    key = request.form.get("creation_key", "")
    return key if 20 <= len(key) <= 64 and key.isascii() else secrets.token_urlsafe(24)


def _chosen_organisers(form: EventForm):
    if "organisers" not in form:
        return None
    chosen = set(form.organisers.data or [])
    return [u for u in accounts.organisers() if u.id in chosen]


@bp.route("/")
@bp.route("/activiteiten")
@organiser_required
def events():
    """The organiser's dashboard: what is coming with its places, waiting list and check-ins
    (counted in a fixed number of queries), and what is over, apart."""
    events = db.session.scalars(services.events_managed_by(current_user)).all()
    return render_template("programme/manage/events.html", dashboard=listing.dashboard(events))


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
@organiser_required
def new_event():
    form, themes_by_id = _event_form()
    if form.validate_on_submit():
        event = services.create_event(current_user, form.details(themes_by_id),
                                      _chosen_organisers(form) or (), _creation_key())  # fmt: skip
        db.session.commit()
        flash(_("Concept aangemaakt. Publiceer het wanneer het klaar is."), "success")
        return redirect(url_for(".edit_event", event_id=event.id))
    return render_form("programme/manage/event_form.html", form, event=None,
                       creation_key=_creation_key())  # fmt: skip


@bp.route("/activiteiten/<int:event_id>", methods=["GET", "POST"])
@organiser_required
def edit_event(event_id: int):
    # A saved edit may change the capacity, which moves the waiting list: lock first.
    event = services.managed_event(current_user, event_id, lock=request.method == "POST")
    form, themes_by_id = _event_form(event)
    if form.validate_on_submit():

        def save():
            activity.update_event(event, form.details(themes_by_id), _chosen_organisers(form),
                                  by=current_user, seen_version=seen_version())  # fmt: skip

        try:
            saved = accepted(form, "organisers" if "organisers" in form else "title", save)
        except StaleEdit as stale:
            return _stale_event_form(event_id, stale)
        if saved:
            db.session.commit()
            flash(_("Wijzigingen opgeslagen."), "success")
            return redirect(url_for(".edit_event", event_id=event.id))
    return render_form(
        "programme/manage/event_form.html",
        form,
        event=event,
        accreditation_form=AccreditationForm(formdata=None),
        may_unpublish=activity.may_unpublish(event),
    )


def _stale_event_form(event_id: int, stale: StaleEdit):
    """Someone else saved first: 409, and the form as it is stored now, to edit again."""
    db.session.rollback()
    event = services.managed_event(current_user, event_id)
    form, _themes = _event_form(event, stored=True)
    flash(str(stale.description), "error")
    return render_template("programme/manage/event_form.html", form=form, event=event,
                           accreditation_form=AccreditationForm(formdata=None),
                           may_unpublish=activity.may_unpublish(event)), 409  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/publiceren", methods=["POST"])
@organiser_required
def publish_event(event_id: int):
    event = services.managed_event(current_user, event_id, lock=True)
    activity.publish_event(event)
    db.session.commit()
    flash(_("De activiteit staat nu in het programma."), "success")
    return redirect(url_for(".edit_event", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/terug-naar-concept", methods=["POST"])
@organiser_required
def unpublish_event(event_id: int):
    """A published event nobody registered for goes back to draft (off the programme)."""
    event = services.managed_event(current_user, event_id, lock=True)
    activity.unpublish_event(event)
    db.session.commit()
    flash(_("De activiteit is weer een concept en staat niet meer in het programma."), "success")
    return redirect(url_for(".edit_event", event_id=event.id))


@bp.route("/activiteiten/<int:event_id>/verwijderen", methods=["GET", "POST"])
@organiser_required
def delete_event(event_id: int):
    """A draft is deleted, never cancelled: it was never public. GET asks to confirm."""
    event = services.managed_event(current_user, event_id, lock=request.method == "POST")
    if request.method == "POST":
        activity.delete_draft(event)
        db.session.commit()
        flash(_("Het concept is verwijderd."), "success")
        return redirect(url_for(".events"))
    return render_template("programme/manage/delete.html", event=event)


@bp.route("/activiteiten/<int:event_id>/annuleren", methods=["GET", "POST"])
@organiser_required
def cancel_event(event_id: int):
    """GET asks for confirmation; POST (CSRF-checked like every POST) cancels."""
    event = services.managed_event(current_user, event_id, lock=request.method == "POST")
    if request.method == "POST":
        activity.cancel_event(event)
        db.session.commit()
        flash(_("De activiteit is geannuleerd."), "success")
        return redirect(url_for(".edit_event", event_id=event.id))
    return render_template("programme/manage/cancel.html", event=event)


@bp.route("/activiteiten/<int:event_id>/dupliceren", methods=["GET", "POST"])
@organiser_required
def duplicate_event(event_id: int):
    event = services.managed_event(current_user, event_id)
    form = DuplicateEventForm()
    if form.validate_on_submit():
        copy = activity.duplicate_event(event, form.starts_at.utc, current_user, _creation_key())
        db.session.commit()
        flash(_("Kopie gemaakt als concept. Controleer de gegevens."), "success")
        return redirect(url_for(".edit_event", event_id=copy.id))
    return render_form("programme/manage/duplicate.html", form, event=event,
                       creation_key=_creation_key())  # fmt: skip


@bp.route("/activiteiten/<int:event_id>/accreditaties", methods=["POST"])
@organiser_required
def add_accreditation(event_id: int):
    event = services.managed_event(current_user, event_id)
    form = AccreditationForm()
    if form.validate_on_submit():
        services.add_accreditation(
            event,
            form.register.data.strip(),
            form.accreditation_id.data.strip(),
            form.points.data,
            form.points_rule.data,
        )
        db.session.commit()
        flash(_("Accreditatie toegevoegd."), "success")
        return redirect(url_for(".edit_event", event_id=event.id))
    event_form, _themes = _event_form(event)
    return render_template(
        "programme/manage/event_form.html",
        form=event_form,
        event=event,
        accreditation_form=form,
    ), 400


@bp.route("/activiteiten/<int:event_id>/accreditaties/<int:accreditation_id>/verwijderen",
          methods=["POST"])  # fmt: skip
@organiser_required
def remove_accreditation(event_id: int, accreditation_id: int):
    event = services.managed_event(current_user, event_id)
    services.remove_accreditation(event, accreditation_id)
    db.session.commit()
    flash(_("Accreditatie verwijderd."), "success")
    return redirect(url_for(".edit_event", event_id=event.id))


@bp.route("/themas")
@admin_required
def themes():
    return render_template("programme/manage/themes.html", themes=services.all_themes())


@bp.route("/themas/nieuw", methods=["GET", "POST"])
@admin_required
def new_theme():
    form = ThemeForm()
    if form.validate_on_submit() and accepted(form, "name", lambda: create_theme(form.data)):
        db.session.commit()
        flash(_("Thema aangemaakt."), "success")
        return redirect(url_for(".themes"))
    return render_form("programme/manage/theme_form.html", form, theme=None)


@bp.route("/themas/<slug>", methods=["GET", "POST"])
@admin_required
def edit_theme(slug: str):
    theme = services.theme_by_slug(slug)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit() and accepted(form, "name", lambda: update_theme(theme, form.data)):
        db.session.commit()
        flash(_("Thema bijgewerkt."), "success")
        return redirect(url_for(".themes"))
    return render_form("programme/manage/theme_form.html", form, theme=theme)
