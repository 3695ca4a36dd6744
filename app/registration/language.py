"""The language of the pages behind a personal link: the one the person registered in, unless
this browser chose a language with the switch (then that choice)."""

from __future__ import annotations

from functools import wraps

from flask import current_app, session
from flask_babel import force_locale

from app.errors import NotFoundHere
from app.registration.models import Registration
from app.registration.tokens import registration_by_token


def language_for(registration: Registration) -> str:
    """The language to show `registration` in, to whoever opens its link in this browser."""
    languages = current_app.config["LANGUAGES"]
    if session.get("language") in languages:  # set only by the language switch
        return session["language"]
    if registration.language in languages:
        return registration.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def in_registration_language(view):
    """A view behind a manage link (`token`) runs, form checks and flashes included, in the
    registration's language (`language_for`). A wrong token is left to the view's own 404."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            registration = registration_by_token(kwargs["token"])
        except NotFoundHere:  # the view answers a wrong or revoked link itself
            return view(*args, **kwargs)
        with force_locale(language_for(registration)):
            return view(*args, **kwargs)

    return wrapped
