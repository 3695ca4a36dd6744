"""Language choice: Dutch unless the visitor picked another language with the switch."""

from flask import current_app, session


def select_locale() -> str:
    language = session.get("language")
    if language in current_app.config["LANGUAGES"]:
        return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]
