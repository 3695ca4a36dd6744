"""Public pages: the programme, the archive, an event, a theme."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice as Choice

from app.agenda import services as agenda_services
from app.agenda.forms import registration_form_with_workshops
from app.agenda.notifications import change_text
from app.extensions import db
from app.programme import services
from app.programme.forms import ProgrammeFilterForm, kind_choices
from app.registration import services as registration

bp = Blueprint("programme", __name__)


def _filter_form(themes) -> ProgrammeFilterForm:
    form = ProgrammeFilterForm(request.args)
    form.thema.choices = [Choice("", _l("Alle thema's"))] + [(t.slug, t.name) for t in themes]
    form.soort.choices = [Choice("", _l("Alle soorten"))] + kind_choices()
    return form


def _programme_listing(events_query, template: str):
    themes = services.all_themes()
    form = _filter_form(themes)
    if request.args and not form.validate():
        return render_template(template, form=form, pagination=None, themes=themes), 400
    theme = next((t for t in themes if t.slug == form.thema.data), None)
    page = request.args.get("pagina", 1, type=int)
    if page < 1:
        abort(404)
    pagination = db.paginate(
        events_query(theme, form.soort.data or None),
        page=page,
        per_page=current_app.config["PROGRAMME_PAGE_SIZE"],
        error_out=False,
    )
    if page > 1 and not pagination.items:
        abort(404)
    return render_template(template, form=form, pagination=pagination, theme=theme)


@bp.route("/")
def index():
    return _programme_listing(services.upcoming_events, "programme/index.html")


@bp.route("/archief")
def archive():
    return _programme_listing(services.past_events, "programme/archive.html")


@bp.route("/activiteiten/<slug>")
def event(slug: str):
    event = services.public_event(slug, viewer=current_user)
    agenda = agenda_services.public_agenda(event)
    closed_reason = registration.registration_closed_reason(event)
    form = extra_fields = None
    if closed_reason is None:
        parts = registration_form_with_workshops(event, agenda)
        form, extra_fields = parts.form, parts.fields
    return render_template(
        "programme/event.html",
        event=event,
        seats_left=registration.seats_left(event),
        can_manage=services.can_manage(current_user, event),
        closed_reason=closed_reason,
        form=form,
        extra_fields=extra_fields,
        agenda=agenda,
        agenda_seats_left=agenda_services.seats_left,
        change_text=change_text,
    )


@bp.route("/themas")
def themes():
    return render_template("programme/themes.html", themes=services.all_themes())


@bp.route("/themas/<slug>")
def theme(slug: str):
    theme = services.theme_by_slug(slug)
    upcoming = db.session.scalars(services.upcoming_events(theme)).all()
    past = db.session.scalars(services.past_events(theme).limit(20)).all()
    return render_template("programme/theme.html", theme=theme, upcoming=upcoming, past=past)
