"""Public pages: the programme, the archive, an event, a theme."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice as Choice

from app.activity import summary
from app.activity.page import event_page
from app.activity.places import card_fragments, places_fragments
from app.extensions import db
from app.pages import stamps
from app.pages.cache import serve
from app.programme import services
from app.programme.forms import ProgrammeFilterForm, kind_choices

bp = Blueprint("programme", __name__)

MAX_PAGE = 10_000


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
    # Past the last page is a 404 anyway; a huge number must not reach the database as an OFFSET.
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    pagination = db.paginate(
        events_query(theme, form.soort.data or None),
        page=page,
        per_page=current_app.config["PROGRAMME_PAGE_SIZE"],
        error_out=False,
    )
    if page > 1 and not pagination.items:
        abort(404)
    return render_template(template, form=form, pagination=pagination, theme=theme,
                           **_card_context(pagination.items))  # fmt: skip


def _card_context(events) -> dict:
    """What the event cards need beyond the events: their availability (one query for the
    page) and the kind label, said once."""
    return {"availability": summary.availabilities(events), "kind_label": summary.kind_label}


# What the programme and archive read, as their own links and filter form write it.
LISTING_ARGS = {"thema": r"[a-z0-9-]{0,200}", "soort": r"[a-z]{0,20}", "pagina": r"[1-9][0-9]{0,4}"}


def _cached_listing(events_query, template: str, *, places: bool = True):
    """A listing from the cache, its cards' places lines filled in after a registration. The
    archive's cards (events over or cancelled) show no places: its page's stamp alone."""

    def render():
        return _programme_listing(events_query, template)

    if not places:
        return serve(lambda: stamps.listing_stamp()[0], render, LISTING_ARGS)
    return serve(stamps.listing_stamp, render, LISTING_ARGS, fill=card_fragments)


@bp.route("/")
def index():
    return _cached_listing(services.upcoming_events, "programme/index.html")


@bp.route("/archief")
def archive():
    return _cached_listing(services.past_events, "programme/archive.html", places=False)


@bp.route("/activiteiten/<slug>")
def event(slug: str):
    def render():
        page = event_page(slug, viewer=current_user)
        return render_template("programme/event.html", **page.template_context())

    # The places stand in slots of their own: a registration fills them in again, the rest
    # of the page is kept.
    return serve(lambda: stamps.event_stamp(slug), render,
                 fill=lambda _names: places_fragments(slug))  # fmt: skip


@bp.route("/themas")
def themes():
    return render_template("programme/themes.html", themes=services.all_themes())


@bp.route("/themas/<slug>")
def theme(slug: str):
    theme = services.theme_by_slug(slug)
    upcoming = db.session.scalars(services.upcoming_events(theme)).all()
    past = db.session.scalars(services.past_events(theme).limit(20)).all()
    return render_template("programme/theme.html", theme=theme, upcoming=upcoming, past=past,
                           **_card_context([*upcoming, *past]))  # fmt: skip
