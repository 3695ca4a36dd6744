"""The application factory: `create_app(config)` builds an app in small named steps."""

from __future__ import annotations

import logging

from babel.numbers import format_decimal
from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_config
from app.converters import register_converters
from app.errors import StaleEdit
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.extensions import mail as mailer  # `app.mail` is also a package name
from app.i18n import select_locale

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(config))
    register_converters(app)  # before the blueprints: ids out of the database's range are 404s
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Behind a reverse proxy, take the client's address, scheme, host and prefix from the
    X-Forwarded-* headers that the configured number of proxies set; the rate limits then key
    on the real client, not on the proxy."""
    hops = {
        part: app.config[f"PROXY_FIX_X_{part.upper()}"]
        for part in ("for", "proto", "host", "prefix")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{part}": n for part, n in hops.items()})


def register_extensions(app: Flask) -> None:
    # Importing the models registers them with the metadata that migrations compare against.
    from app import locking, models  # noqa: F401  (locking: SQLite transaction set-up)
    from app.accounts import services as accounts
    from app.activity import mails  # noqa: F401  (composes a new registration's mail)
    from app.calendar import stamps  # noqa: F401  (keeps the events' stamps for feeds, pages)
    from app.mail.services import dispatch_after_request
    from app.pages import cache as page_cache
    from app.session_cookie import SessionCookies

    app.session_interface = SessionCookies()
    # Teardowns run in reverse order: registered before Flask-SQLAlchemy's, this one runs
    # after the request's session is removed, so delivery never holds two connections.
    app.teardown_appcontext(dispatch_after_request)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    mailer.init_app(app)
    page_cache.init_app(app)
    if app.config["RQ_CONNECTION"]:
        from flask_rq import RQ

        RQ().init_app(app)  # adds `flask rq worker`
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.login_message_category = "info"
    # Session and remember-me cookies carry "<id>:<session token>"; rotating the token ends them.
    login_manager.user_loader(accounts.user_for_session)


def register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.agenda import editor_views  # noqa: F401  (the editor's routes, on agenda_manage_bp)
    from app.agenda.manage_views import bp as agenda_manage_bp
    from app.agenda.views import bp as agenda_bp
    from app.api.views import bp as api_bp
    from app.attendance.manage_views import bp as attendance_manage_bp
    from app.attendance.views import bp as attendance_bp
    from app.calendar.views import bp as calendar_bp
    from app.certificates.manage_views import bp as certificates_manage_bp
    from app.certificates.register_views import bp as certificate_registers_bp
    from app.certificates.views import bp as certificates_bp
    from app.knowledge.team_manage_views import bp as work_teams_manage_bp
    from app.knowledge.team_views import bp as work_teams_bp
    from app.knowledge.views import bp as knowledge_bp
    from app.mail.views import bp as mail_manage_bp
    from app.privacy.audit_views import bp as audit_bp
    from app.privacy.consent_list_views import bp as consent_lists_bp
    from app.privacy.consent_views import bp as consent_bp
    from app.privacy.request_views import bp as privacy_requests_bp
    from app.privacy.rights_views import bp as rights_bp
    from app.programme.manage_views import bp as programme_manage_bp
    from app.programme.views import bp as programme_bp
    from app.registration import message_views  # noqa: F401  (on registration_manage_bp)
    from app.registration.manage_views import bp as registration_manage_bp
    from app.registration.views import bp as registration_bp
    from app.site.views import bp as site_bp

    blueprints = (programme_bp, programme_manage_bp, registration_bp, registration_manage_bp,
                  agenda_bp, agenda_manage_bp, mail_manage_bp, accounts_bp, site_bp,
                  calendar_bp, api_bp, attendance_bp, attendance_manage_bp, certificates_bp,
                  certificates_manage_bp, certificate_registers_bp, knowledge_bp, work_teams_bp,
                  work_teams_manage_bp, audit_bp, rights_bp, privacy_requests_bp, consent_bp,
                  consent_lists_bp)  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from app.mail.dev_viewer import register_mail_viewer  # /dev/mail, only with MAIL_VIEWER on

    register_mail_viewer(app)


ERROR_MESSAGES = {
    400: (_l("Ongeldig verzoek"), _l("Er klopt iets niet aan dit verzoek.")),
    401: (_l("Niet ingelogd"), _l("Log in om verder te gaan.")),
    403: (_l("Geen toegang"), _l("U heeft geen toegang tot deze pagina.")),
    404: (
        _l("Pagina niet gevonden"),
        _l("Deze pagina bestaat niet (meer). Misschien is de link oud of onvolledig."),
    ),
    405: (_l("Niet toegestaan"), _l("Deze actie kan zo niet worden uitgevoerd.")),
    409: (_l("Kan niet"), _l("Dit kan in de huidige toestand niet.")),
    429: (
        _l("Te veel pogingen"),
        _l("U heeft dit te vaak geprobeerd. Wacht even en probeer het dan opnieuw."),
    ),
    500: (
        _l("Er ging iets mis"),
        _l("Er ging bij ons iets mis. Uw gegevens zijn niet verloren; probeer het later opnieuw."),
    ),
}


def register_errorhandlers(app: Flask) -> None:
    def render_error(error: HTTPException):
        code = error.code or 500
        title, default_text = ERROR_MESSAGES.get(code, (error.name, ""))
        # Our own domain errors carry a translated description; werkzeug's stock ones do not.
        own_description = (
            error.description if error.description != type(error).description else None
        )
        if isinstance(error, CSRFError):
            own_description = _l(
                "Het formulier is verlopen of onvolledig verstuurd. Ga terug, herlaad de pagina en probeer het opnieuw."
            )
        if code == 429:
            own_description = None
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return {"error": str(own_description or default_text), "code": code}, code
        response = render_template(
            "errors/error.html", code=code, title=title, text=own_description or default_text
        )
        return response, code

    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(StaleDataError)
    def stale(_error: StaleDataError):
        # Another request changed the row between our read and our write (optimistic
        # concurrency): the same answer as a stale form, not a server error.
        db.session.rollback()
        return render_error(StaleEdit())

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError())


def refuse_nul_characters() -> None:
    """PostgreSQL cannot store a NUL character; no person types one. Refuse it up front with
    a 400 instead of letting it reach the database as a server error."""
    values = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype != "application/json":
        values += request.form.values()
    if any("\x00" in value for value in values):
        raise BadRequest(_l("Het verzoek bevat ongeldige tekens."))


def register_security_headers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Personal links carry tokens: never leak them to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["APP_ENV"] == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # Organiser pages and their JSON hold personal data: no browser or proxy may keep them.
        if request.path == "/beheer" or request.path.startswith("/beheer/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def register_template_helpers(app: Flask) -> None:
    from app import text
    from app.timezones import format_clock, format_day, format_period, to_local

    def locale() -> str:
        return str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    app.jinja_env.filters["period"] = lambda event: format_period(
        event.starts_at, event.ends_at, locale()
    )
    app.jinja_env.filters["number"] = lambda value: format_decimal(value, locale=locale())
    app.jinja_env.add_extension("app.markdown.MarkdownFilters")  # |markdown, |markdown_plain
    app.jinja_env.filters["sentence"] = text.sentence  # no doubled stop after a title
    app.jinja_env.filters["dutch"] = text.dutch  # lang="nl" round Dutch content on other pages
    app.jinja_env.globals["content_lang"] = text.content_lang  # the same, as an attribute
    app.jinja_env.filters["day"] = lambda moment: format_day(moment, locale())
    # '09.12' in Dutch, '09:12' in English
    app.jinja_env.filters["clock"] = lambda moment: format_clock(moment, locale())
    app.jinja_env.filters["local"] = lambda moment, fmt="%d-%m-%Y %H:%M": to_local(moment).strftime(
        fmt
    )

    @app.context_processor
    def site_context():
        return {
            "current_locale": locale(),
            "organisation": {
                "name": app.config["ORGANISATION_NAME"],
                "email": app.config["ORGANISATION_EMAIL"],
                "phone": app.config["ORGANISATION_PHONE"],
                "address": app.config["ORGANISATION_ADDRESS"],
            },
        }


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
