"""The API's edge: reading the query, JSON answers with an ETag and public caching, errors
that are always JSON in the asker's language, and CORS for every other website."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale, get_locale
from flask_babel.speaklater import LazyString
from flask_cors import CORS
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.schemas import QUERY_ERRORS, QUERY_LIMITS
from app.errors import DomainError
from app.extensions import db

log = logging.getLogger(__name__)

PUBLIC_CACHE = "public, max-age=60"
EXPOSED_HEADERS = ["ETag", "Link", "X-Total-Count"]


def request_language() -> str:
    """`?lang=` when it names a language of the site, else the site's own choice."""
    language = request.args.get("lang")
    if language in current_app.config["LANGUAGES"]:
        return language
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


# --- reading ----------------------------------------------------------------------------------


def _query_error(name: str) -> str:
    text = QUERY_ERRORS[name]
    return text % {"max": QUERY_LIMITS[name]} if name in QUERY_LIMITS else str(text)


def read_query(schema: Schema) -> dict:
    """The validated query string, or a 400 that names the first parameter that is wrong."""
    try:
        return schema.load(request.args)
    except ValidationError as error:
        name = next((name for name in QUERY_ERRORS if name in error.messages), None)
        if name is None:  # a parameter without its own message: still a 400, never a 500
            raise DomainError() from None
        # Lazy: the message is put into words when the error is answered, in the asked language.
        raise DomainError(LazyString(_query_error, name)) from None


# --- answering --------------------------------------------------------------------------------


def json_response(data, *, status: int = 200) -> Response:
    response = current_app.json.response(data)
    response.status_code = status
    return response


def conditional(response: Response, cache_control: str = PUBLIC_CACHE) -> Response:
    """A strong ETag from the body, and 304 Not Modified when the client already has it."""
    response.headers["Cache-Control"] = cache_control
    response.add_etag()
    return response.make_conditional(request)


def error_response(error: HTTPException) -> Response:
    from app import ERROR_MESSAGES  # the site's own wording for each status, translated

    code = error.code or 500
    own = error.description if error.description != type(error).description else None
    if code == 429:
        own = None  # the limiter's description is its internal limit, not a sentence
    with force_locale(request_language()):
        text = str(own or ERROR_MESSAGES.get(code, (None, error.name))[1])
    response = json_response({"error": text, "code": code}, status=code)
    # An error may be in another language for the next asker, and a draft may be published.
    response.headers["Cache-Control"] = "no-store"
    for name, value in error.get_headers():
        if name in ("Allow", "Retry-After"):
            response.headers[name] = value
    return response


def unexpected_error(error: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return error_response(InternalServerError())


# --- wiring into the app ----------------------------------------------------------------------


def install(bp: Blueprint) -> None:
    """JSON errors, CORS, and JSON for paths under the prefix that match no route; done from
    the blueprint so the app factory need not know about any of it."""
    bp.register_error_handler(HTTPException, error_response)
    bp.register_error_handler(Exception, unexpected_error)

    @bp.record_once
    def on_app(state) -> None:
        prefix = bp.url_prefix
        CORS(
            state.app,
            resources={rf"{prefix}/.*": {}},
            origins="*",
            send_wildcard=True,
            methods=["GET", "HEAD", "OPTIONS"],
            expose_headers=EXPOSED_HEADERS,
            supports_credentials=False,
            max_age=86400,
            # Errors pass through after_request anyway; no need to patch the app's handlers.
            intercept_exceptions=False,
        )

        @state.app.before_request
        def json_routing_errors():
            # A path under the prefix that matches no route (404) or no method (405) never
            # reaches the blueprint, whose error handlers would make it JSON.
            error = request.routing_exception
            if (
                isinstance(error, HTTPException)
                and (error.code or 0) >= 400
                and (request.path == prefix or request.path.startswith(prefix + "/"))
            ):
                return error_response(error)
            return None
