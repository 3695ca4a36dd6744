"""The public read API (`/api/v1`): parse the query, ask queries.py, dump with schemas.py.
Every GET answers with a strong ETag (304 on If-None-Match) and may be cached for a minute."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from app.api import queries, responses, schemas
from app.api.spec import endpoints, openapi_document
from app.links import external_url
from app.pages.cache import visitor_etag

bp = Blueprint("api", __name__, url_prefix="/api/v1")
responses.install(bp)

EVENT_QUERY = schemas.EventQuerySchema()
LANGUAGE_QUERY = schemas.LanguageQuerySchema()


@bp.get("/events")
def events():
    query = responses.read_query(EVENT_QUERY)
    filters = queries.EventFilters(
        theme=queries.theme_for_filter(query["theme"]) if "theme" in query else None,
        kind=query.get("kind"),
        first_day=query.get("from_"),
        last_day=query.get("to"),
    )
    page = queries.events_page(filters, query["page"], query["per_page"])
    response = responses.json_response(schemas.EventSchema(many=True).dump(page.events))
    response.headers["X-Total-Count"] = str(page.total)
    response.headers["Link"] = _pagination_links(page)
    return responses.conditional(response)


def _pagination_links(page: queries.EventsPage) -> str:
    """RFC 8288: first, prev, next and last, keeping the filters that were asked for."""
    names = {field.data_key or name for name, field in EVENT_QUERY.fields.items()}
    kept = {name: value for name, value in request.args.items() if name in names - {"page"}}
    targets = {"first": 1, "last": page.last_page}
    if page.page > 1:
        targets["prev"] = min(page.page - 1, page.last_page)
    if page.page < page.last_page:
        targets["next"] = page.page + 1
    return ", ".join(
        f'<{url_for("api.events", _external=True, **kept, page=number)}>; rel="{relation}"'
        for relation, number in targets.items()
    )


@bp.get("/events/<slug>")
def event(slug: str):
    responses.read_query(LANGUAGE_QUERY)
    detail = queries.event_detail(slug)
    return responses.conditional(responses.json_response(schemas.EventDetailSchema().dump(detail)))


@bp.get("/themes")
def themes():
    responses.read_query(LANGUAGE_QUERY)
    data = schemas.ThemeSchema(many=True).dump(queries.all_themes())
    return responses.conditional(responses.json_response(data))


@bp.get("/openapi.json")
def openapi():
    responses.read_query(LANGUAGE_QUERY)
    document = openapi_document(responses.request_language())
    return responses.conditional(responses.json_response(document))


@bp.get("/")
def documentation():
    """The endpoints as the OpenAPI document describes them, and how to embed the agenda;
    a page of the site, so in the language chosen with the site's switch."""
    spec = openapi_document(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    page = render_template(
        "api/index.html",
        spec=spec,
        endpoints=endpoints(spec),
        embed_src=external_url("static", filename="kennisagenda-embed.js"),
        embed_css=external_url("static", filename="kennisagenda-embed.css"),
        example_theme=next((t.slug for t in queries.all_themes()), "jeugd-en-gezin"),
    )
    # Private: the page carries the visitor's session (language, CSRF token). The token is
    # signed anew every second, so the ETag is of the page without it (and of its seed).
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "private, max-age=60"
    without_token = hashlib.sha256(page.replace(generate_csrf(), "").encode()).hexdigest()
    response.set_etag(visitor_etag(without_token))
    return response.make_conditional(request)
