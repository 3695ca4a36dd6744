"""Calendar feeds over HTTP, and the page behind a person's own feed link.

A feed answers conditional requests (If-None-Match, If-Modified-Since: Apple revalidates by
date) with a 304 before any calendar is built; HEAD is answered like GET, without a body."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from app.calendar import feeds
from app.calendar.subscribe import Subscription, personal_language
from app.calendar.tokens import issue_feed_token, participant_by_feed_token, renew_feed_token
from app.extensions import db, limiter
from app.links import external_url, personal_page
from app.programme import services as programme
from app.registration.tokens import registration_by_token

bp = Blueprint("calendar", __name__)

PUBLIC_MAX_AGE = 300


@bp.app_template_global("feed_subscription")
def feed_subscription(endpoint: str, name: str, **values) -> Subscription:
    """A page's feed, in the language the visitor reads the page in."""
    language = str(get_locale())
    if language != current_app.config["BABEL_DEFAULT_LOCALE"]:
        values["lang"] = language
    return Subscription(name=name, url=external_url(endpoint, **values))


def feed_language() -> str:
    """A feed speaks the language its URL asks for (`?lang=en`), else Dutch; a calendar
    client sends no language of its own."""
    language = request.args.get("lang", "")
    return (
        language
        if language in current_app.config["LANGUAGES"]
        else (current_app.config["BABEL_DEFAULT_LOCALE"])
    )


def serve(feed: feeds.Feed, filename: str) -> Response:
    response = Response(status=200)
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    scope = "private" if feed.private else "public"
    response.headers["Cache-Control"] = f"{scope}, max-age={PUBLIC_MAX_AGE}"
    if feed.private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    if not is_resource_modified(request.environ, etag=feed.etag, last_modified=feed.last_modified):
        response.status_code = 304
        return response
    response.set_data(feed.body())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.route("/kalender/programma.ics")
def programme_feed():
    return serve(feeds.programme_feed(feed_language()), "programma.ics")


@bp.route("/kalender/thema/<slug>.ics")
def theme_feed(slug: str):
    theme = programme.theme_by_slug(slug)
    return serve(feeds.theme_feed(theme, feed_language()), f"{theme.slug}.ics")


@bp.route("/kalender/activiteit/<slug>.ics")
def event_feed(slug: str):
    event = programme.public_event(slug)  # a draft is a 404, also to its organisers
    return serve(feeds.event_feed(event, feed_language()), f"{event.slug}.ics")


@bp.route("/kalender/mijn/<token>.ics")
@limiter.limit("120 per minute")
def personal_feed(token: str):
    participant = participant_by_feed_token(token)
    return serve(
        feeds.personal_feed(participant, personal_language(participant)), "mijn-activiteiten.ics"
    )


@bp.route("/kalender/mijn/<token>")
@personal_page
def personal(token: str):
    participant = participant_by_feed_token(token)
    return render_template("calendar/personal.html", participant=participant, token=token)


@bp.route("/kalender/mijn/<token>/vernieuwen", methods=["POST"])
@personal_page
def renew(token: str):
    participant = participant_by_feed_token(token)
    new = renew_feed_token(participant)
    db.session.commit()
    flash(
        _(
            "U heeft een nieuwe agenda-link. De oude werkt niet meer: abonneer u opnieuw met deze link."
        ),
        "success",
    )
    return redirect(url_for(".personal", token=new))


@bp.route("/aanmelding/<token>/agenda", methods=["POST"])
@personal_page
def from_registration(token: str):
    """From the manage page: a feed link for this person (earlier ones keep working)."""
    registration = registration_by_token(token)
    feed_token = issue_feed_token(registration.participant)
    db.session.commit()
    return redirect(url_for(".personal", token=feed_token))
