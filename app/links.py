"""Absolute links for the outside world (mails, calendars), always built on BASE_URL, so a
link is the same whether it was made in a request, a CLI command or a background job."""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, make_response


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def personal_page(view):
    """A page behind a personal link (its token is in the URL): never cached, never indexed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        # The token is in this page's URL: no Referer at all, not even to our own pages.
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def host() -> str:
    """The host of BASE_URL: the right-hand side of every calendar UID we give out."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "kennisagenda"
