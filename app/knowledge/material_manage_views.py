"""Organisers: an event's materials (add a file or a link, edit, remove, publish after the
event with one mail), and a theme's shelf ("Praktijk en tools"), which any organiser may fill."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.permissions import organiser_required
from app.agenda import reading as agenda
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, accepted, render_form
from app.knowledge import materials
from app.knowledge.forms import MaterialForm
from app.knowledge.material_mail import recipients
from app.knowledge.views import bp, file_response
from app.programme import services as programme


def _back_to(material) -> str:
    if material.event_id is not None:
        return url_for(".event_materials", event_id=material.event_id)
    return url_for(".theme_materials", slug=material.theme.slug)


def _sessions(event) -> list:
    return agenda.event_sessions(event, include_cancelled=False) if event else []


@bp.route("/beheer/activiteiten/<int:event_id>/materialen", methods=["GET", "POST"])
@organiser_required
def event_materials(event_id: int):
    event = programme.managed_event(current_user, event_id)
    form = MaterialForm(sessions=_sessions(event))
    if form.validate_on_submit() and accepted(form, "title", lambda: materials.add_event_material(
            event, form.details(), form.checked_upload, current_user)):  # fmt: skip
        db.session.commit()
        flash(_("Het materiaal is toegevoegd."), "success")
        return redirect(url_for(".event_materials", event_id=event.id))
    listed = materials.event_materials(event)
    return render_form(
        "knowledge/manage/event_materials.html",
        form,
        event=event,
        materials=listed,
        unpublished=[m for m in listed if not m.is_published],
        not_publishable=materials.why_not_publishable(event),
        recipients=len(recipients(event)),
        confirm=ConfirmForm(),
    )


@bp.route("/beheer/activiteiten/<int:event_id>/materialen/publiceren", methods=["POST"])
@organiser_required
def publish_materials(event_id: int):
    event = programme.managed_event(current_user, event_id, lock=True)
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    published = materials.publish_event_materials(event, by=current_user)
    db.session.commit()
    if not published.materials:
        flash(_("Er was niets nieuws om te publiceren; er is geen mail verstuurd."), "info")
    else:
        flash(ngettext("%(num)d materiaal is gepubliceerd.", "%(num)d materialen zijn gepubliceerd.",
                       len(published.materials)) + " "
              + ngettext("%(num)d deelnemer krijgt er een mail over.",
                         "%(num)d deelnemers krijgen er een mail over.", published.mailed),
              "success")  # fmt: skip
    return redirect(url_for(".event_materials", event_id=event.id))


@bp.route("/beheer/themas/<slug>/materialen", methods=["GET", "POST"])
@organiser_required
def theme_materials(slug: str):
    theme = programme.theme_by_slug(slug)
    form = MaterialForm(for_theme=True)
    if form.validate_on_submit() and accepted(form, "title", lambda: materials.add_theme_material(
            theme, form.details(), form.checked_upload, current_user)):  # fmt: skip
        db.session.commit()
        flash(_("Het materiaal staat op de plank van het thema."), "success")
        return redirect(url_for(".theme_materials", slug=theme.slug))
    return render_form("knowledge/manage/theme_materials.html", form, theme=theme,
                       materials=materials.theme_materials(theme), confirm=ConfirmForm())  # fmt: skip


@bp.route("/beheer/materialen/<int:material_id>", methods=["GET", "POST"])
@organiser_required
def edit_material(material_id: int):
    material = materials.managed_material(current_user, material_id)
    form = MaterialForm(obj=material, sessions=_sessions(material.event),
                        for_theme=material.event_id is None, editing=material)  # fmt: skip
    if form.validate_on_submit() and accepted(
        form, "title", lambda: materials.update_material(material, form.details())
    ):
        db.session.commit()
        flash(_("Het materiaal is bijgewerkt."), "success")
        return redirect(_back_to(material))
    return render_form("knowledge/manage/edit.html", form, material=material,
                       event=material.event, back=_back_to(material))  # fmt: skip


@bp.route("/beheer/materialen/<int:material_id>/verwijderen", methods=["POST"])
@organiser_required
def delete_material(material_id: int):
    material = materials.managed_material(current_user, material_id)
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    back, title = _back_to(material), material.title
    materials.delete_material(material)
    db.session.commit()
    flash(_("%(title)s is verwijderd.", title=title), "success")
    return redirect(back)


@bp.route("/beheer/materialen/<int:material_id>/bestand")
@organiser_required
def material_file(material_id: int):
    """The file as stored (also before it is published), for its organisers to check."""
    return file_response(materials.managed_material(current_user, material_id), private=True)
