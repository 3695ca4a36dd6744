"""Language choice: Dutch unless the visitor picked another language with the switch."""

from flask import current_app, has_request_context, session


def select_locale() -> str:
    # CLI commands and background jobs have no visitor: they speak the default language.
    language = session.get("language") if has_request_context() else None
    if language in current_app.config["LANGUAGES"]:
        return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]
