"""Sentences built around what organisers typed: a title that ends a sentence of its own, and
Dutch content inside a page in another language."""

from __future__ import annotations

import re

from flask_babel import get_locale
from markupsafe import Markup, escape

# What ends a sentence already; a full stop (or the same mark) after it is one too many.
_CLOSING = ".?!…"
CONTENT_LANGUAGE = "nl"  # organisers enter their titles and descriptions in Dutch


def sentence(text: str, *inserted: str) -> str:
    """`text` (a translated sentence) without a doubled stop after an `inserted` value that
    ends in its own: "U bent aangemeld voor Wat nu?." becomes "… voor Wat nu?".

    Works on plain text (mails) and on escaped HTML (a template's `_()` gives Markup), where
    the value may sit inside the `<span lang="nl">` that `dutch` puts round it."""
    is_markup = isinstance(text, Markup)
    result = str(text)
    for value in inserted:
        value = str(escape(value) if is_markup else value).rstrip()
        if not value or value[-1] not in _CLOSING:
            continue
        doubled = "[.]" if value[-1] in ".…" else f"[.{re.escape(value[-1])}]"
        pattern = re.escape(value) + r"((?:</span>)?)" + doubled
        result = re.sub(pattern, lambda match, v=value: v + match.group(1), result)
    return Markup(result) if is_markup else result


def dutch(value) -> Markup:
    """Organiser-entered content (Dutch) marked as such inside a page in another language, so
    a screen reader pronounces it in Dutch (WCAG 3.1.2); as it is on a Dutch page."""
    if value is None or value == "":
        return Markup("")
    if _dutch_page():
        return escape(value)
    return Markup('<span lang="{}">{}</span>').format(CONTENT_LANGUAGE, value)


def content_lang() -> Markup:
    """` lang="nl"` for an element holding organisers' Dutch text on a page in another
    language (a description, a summary); nothing on a Dutch page."""
    if _dutch_page():
        return Markup("")
    return Markup(f' lang="{CONTENT_LANGUAGE}"')


def _dutch_page() -> bool:
    return str(get_locale() or CONTENT_LANGUAGE) == CONTENT_LANGUAGE
