"""Descriptions as organisers write them: a small Markdown subset (paragraphs, line breaks,
lists, links, bold and italic), rendered by markdown-it-py and sanitised by nh3.

Two locks on one door: the parser never passes HTML through (raw HTML becomes text), and the
sanitiser keeps only the tags and link schemes of the subset, so neither alone is trusted.
Registered in templates as `|markdown` and `|markdown_plain` by `MarkdownFilters`."""

from __future__ import annotations

from functools import lru_cache

import nh3
from flask_babel import lazy_gettext as _l
from jinja2.ext import Extension
from markdown_it import MarkdownIt
from markupsafe import Markup

# "zero" enables nothing but paragraphs and text; we add only the subset we promise.
_PARSER = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True}).enable(
    ["list", "emphasis", "link", "autolink", "linkify", "newline", "escape"]
)

# Told under every field that takes Markdown, so organisers know what works.
MARKDOWN_HINT = _l(
    "Opmaak: een lege regel begint een nieuwe alinea; regels met - worden een opsomming; "
    "**vet**, *schuin* en [tekst](https://…) voor een link."
)

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "*": set()}  # "*": no title, lang…
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Links lead to other sites: they get no handle on our window and no ranking from us.
LINK_REL = "noopener nofollow"


def render_markdown(source: str | None) -> Markup:
    """Safe HTML for a description; an empty description is empty markup."""
    if not source or not source.strip():
        return Markup("")
    return Markup(_safe_html(source))


@lru_cache(maxsize=4096)
def _safe_html(source: str) -> str:
    # The same text always gives the same HTML: a page of 40 sessions parsed and sanitised 33
    # descriptions on every render (8 % of the event page's time), now once per process.
    html = _PARSER.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
    ).strip()


def markdown_plain(source: str | None) -> str:
    """The words of a description without its markup, for a one-line excerpt (the template
    escapes them like any text)."""
    if not source:
        return ""
    blocks = []
    for token in _PARSER.parse(source):
        if token.type == "inline":
            words = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children or ()
                if child.type in ("text", "softbreak", "hardbreak")
            ]
            blocks.append("".join(words).strip())
    return " ".join(block for block in blocks if block)


class MarkdownFilters(Extension):
    """`app.jinja_env.add_extension("app.markdown.MarkdownFilters")` adds both filters."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["markdown"] = render_markdown
        environment.filters["markdown_plain"] = markdown_plain
