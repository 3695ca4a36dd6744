"""Public pages from a cache that cannot be stale.

A page is stored under what identifies it (the code's version, the language, the path with its
query) together with the stamp it was rendered at (stamps.py: counters that every change
moves in its own transaction, and the moments passed). It is served from the cache only while
the stamp read now is the same, so a registration, a release or an edit shows on the very
next request, from any process. One entry per page: a newer render replaces the older.

What differs per visitor is not cached: the page is rendered with slots for the CSRF token
and the flashed messages, which are filled for each request (each visitor their own token).
A page may have slots of its own (`page_slot`) for what changes more often than the rest: the
places on the event page and on the programme's cards. Its stamp is then two, the page's and
the slots'; the slots' contents (`fill(names)`) are kept with the page under the second, so a
registration fills in the places again rather than rendering the page.
Logged-in users (organisers, desks) are never served from the cache. Conditional GET: the
ETag is the stamp, the page and the visitor's CSRF seed; a page that carries flashed
messages gets none (its messages are shown once)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, current_app, g, make_response, render_template, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis.exceptions import RedisError

from app.i18n import select_locale

log = logging.getLogger(__name__)
page_cache = Cache()

CSRF_FIELD = "csrf_token"  # Flask-WTF's name in `g` and in the session


def init_app(app: Flask) -> None:
    config = {"CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
              "CACHE_KEY_PREFIX": "kennisagenda-page:"}  # fmt: skip
    if app.config["REDIS_URL"]:
        config |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": app.config["REDIS_URL"],
                   # A Redis that hangs costs a request a second at most (a read and a
                   # write), then the page is rendered.
                   "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}}  # fmt: skip
    else:
        # In-process: each worker has its own; the stamp keeps every one of them right.
        config |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2_000}
    page_cache.init_app(app, config=config)
    secret = hmac.new(app.config["SECRET_KEY"].encode(), b"page-cache-slot", "sha256")
    app.extensions["page_cache.slot"] = secret.hexdigest()[:20]
    app.extensions["page_cache.code"] = _code_version(app)
    app.jinja_env.globals["flashes_slot"] = flashes_slot
    app.jinja_env.globals["page_slot"] = page_slot


# Settings a page shows (the organisation in the header, links, the page size).
_RENDERED_SETTINGS = ("ORGANISATION_NAME", "ORGANISATION_EMAIL", "ORGANISATION_PHONE",
                      "ORGANISATION_ADDRESS", "BASE_URL", "PROGRAMME_PAGE_SIZE", "LANGUAGES",
                      "BABEL_DEFAULT_LOCALE")  # fmt: skip


def _code_version(app: Flask) -> str:
    """The code, templates, translations, pinned packages and settings as deployed: a new
    release never serves a page an old one rendered (Redis outlives the processes)."""
    root = Path(app.root_path)
    files = sorted(f for pattern in ("*.py", "*.html", "*.mo") for f in root.rglob(pattern))
    files += [f for f in (root.parent / "requirements.txt",) if f.exists()]
    # By content, not by date: two machines that share one Redis share their pages too.
    marks = [f"{f.relative_to(root.parent)}:{hashlib.sha256(f.read_bytes()).hexdigest()}"
             for f in files]  # fmt: skip
    marks += [f"{name}={app.config.get(name)!r}" for name in _RENDERED_SETTINGS]
    return hashlib.sha256("|".join(marks).encode()).hexdigest()[:12]


def _slot(name: str) -> str:
    # Keyed with the secret: a description cannot contain a slot and get a token put in.
    return f"ka-{name}-{current_app.extensions['page_cache.slot']}"


def flashes_slot():
    """In base.html: the place for the flashed messages when the page is rendered to be
    cached; None otherwise (the layout then shows the messages itself)."""
    if g.get("page_cache_render"):
        return Markup(f"<!--{_slot('flashes')}-->")
    return None


def page_slot(name: str, content) -> Markup | None:
    """The place of the page's own slot `name` (letters, digits, `:` and `_`) when the page is
    rendered to be cached, `content` (HTML) kept as what it holds at this render and filled
    in afterwards from the page's `fill(names)`; None otherwise (the page then shows `content`)."""
    if not g.get("page_cache_render"):
        return None
    g.page_cache_slots[name] = str(content)
    return Markup(f"<!--{_slot(name)}-->")


def _canonical_query(query_args: dict[str, str]) -> bool:
    """Each argument the page reads, once, written as the page itself writes it: anything
    else is rendered but not kept, so made-up query strings cannot fill the cache."""
    # Written out again from what was read, the query is the same text: no empty `&`, no
    # percent-encoded letters, no argument twice.
    if request.query_string.decode("latin-1") != urlencode(list(request.args.items(multi=True))):
        return False
    return all(
        name in query_args
        and len(values) == 1
        and re.fullmatch(query_args[name], values[0]) is not None
        for name, values in request.args.lists()
    )


def _anonymous() -> bool:
    # Flask-Login finds a user only through the session's user id or the remember cookie:
    # without either the visitor is anonymous, known without loading (which hashes the
    # visitor's address and browser for session protection first).
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
    if "_user_id" not in session and remember not in request.cookies:
        return True
    return not current_user.is_authenticated


def _cacheable(query_args: dict[str, str]) -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method in ("GET", "HEAD")
        and _anonymous()
        and _canonical_query(query_args)
    )


_CONDITIONAL = {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}


def serve(stamp: Callable[[], str | tuple[str, str] | None], render: Callable,
          query_args: dict[str, str] | None = None,
          fill: Callable[[tuple[str, ...]], dict] | None = None):  # fmt: skip
    """The page `render()` makes, from the cache while `stamp()` is unchanged. `stamp()`
    returns None for a page not to cache; `query_args`: the arguments the page reads, each
    with the pattern of its canonical values (a request with any other is rendered afresh).
    A page with slots of its own: `stamp()` returns the page's stamp and the slots' stamp,
    `fill(names)` the contents of the slots `names` (those the kept render has), by name, kept
    while the second stays the same."""
    query_args = query_args or {}
    if not _cacheable(query_args):
        return render()
    page_stamp = stamp()
    if page_stamp is None:
        return render()
    page_stamp, slots_stamp = page_stamp if isinstance(page_stamp, tuple) else (page_stamp, None)
    # The language as Flask-Babel's selector picks it: a hit needs no Babel locale object.
    key = f"{current_app.extensions['page_cache.code']}:{select_locale()}:{request.full_path}"
    entry = _stored(key)
    state = "hit"
    if entry is None or entry[0] != page_stamp:
        state = "miss"
        rendered, own = _render_with_slots(render)
        if not isinstance(rendered, str):  # an error page or a redirect: not kept
            return _filled_response(rendered, "bypass", own=own)
        # The page's own slots as this render filled them: read after both stamps.
        entry = (page_stamp, _parts(rendered), slots_stamp, _encoded(own))
    slots_state = None
    if slots_stamp is not None:
        slots_state = "rendered" if state == "miss" else "kept"
        if entry[2] != slots_stamp:  # read after the stamp: never older than it says
            slots_state = "filled"
            entry = (*entry[:2], slots_stamp, _encoded(fill(tuple(entry[3]))))
    if state == "miss" or slots_state == "filled":
        _store(key, entry)
    response = _filled_response(None, state, parts=entry[1], own=entry[3])
    if slots_state is not None:
        response.headers["X-Page-Slots"] = slots_state
    if not g.get("page_cache_flashes_shown"):
        response.set_etag(visitor_etag(f"{slots_stamp or page_stamp}|{key}"))
        if _CONDITIONAL.intersection(request.environ):  # else there is nothing to answer 304 to
            response.make_conditional(request)
    return response


def _stored(key: str):
    try:
        return page_cache.get(key)
    except RedisError:  # Redis down: the page is rendered, as if never cached
        log.warning("Page cache unreachable; rendering %s", key, exc_info=True)
        return None


def _store(key: str, entry: tuple) -> None:
    try:
        page_cache.set(key, entry)
    except RedisError:
        log.warning("Page cache unreachable; %s not stored", key, exc_info=True)


def clear() -> None:
    """Forget every cached page (`flask pages clear`; after restoring a database backup, whose
    counters go back in time)."""
    try:
        page_cache.clear()
    except RedisError:
        log.warning("Page cache unreachable; nothing cleared", exc_info=True)


def _render_with_slots(render: Callable) -> tuple:
    """What `render()` returns, rendered to be cached, and what its own slots held."""
    g.page_cache_render, g.page_cache_slots = True, {}
    real_token = g.pop(CSRF_FIELD, None)
    setattr(g, CSRF_FIELD, _slot("csrf"))  # every csrf_token() of this render
    try:
        return render(), g.page_cache_slots
    finally:
        g.pop("page_cache_render")
        g.pop("page_cache_slots")
        g.pop(CSRF_FIELD)
        if real_token is not None:
            setattr(g, CSRF_FIELD, real_token)


def _encoded(slots: dict) -> dict[str, bytes]:
    return {name: str(html).encode() for name, html in slots.items()}


def _parts(body: str) -> tuple:
    """The page as UTF-8 pieces between its slots, and the slots' names in their places: put
    together per request without searching or encoding the whole page again."""
    secret = re.escape(current_app.extensions["page_cache.slot"])
    # The CSRF token's slot stands in an attribute; the others are comments (`page_slot`).
    pieces = re.split(f"(ka-csrf-{secret}|<!--ka-[a-z0-9:_]+-{secret}-->)", body)
    return tuple(
        piece.encode() if n % 2 == 0 else _slot_name(piece) for n, piece in enumerate(pieces)
    )


def _slot_name(piece: str) -> str:
    if not piece.startswith("<!--"):
        return "csrf"
    return piece[len("<!--ka-") : -len("-->")].rsplit("-", 1)[0]  # <!--ka-NAME-secret-->


def _filled_response(rendered, state: str, parts: tuple | None = None, own: dict | None = None):
    """The response for `parts` (a page from the cache or just stored, with the contents of
    its `own` slots), else for whatever the view returned (an error page, a redirect), its
    slots filled if it is a page."""
    if parts is not None:
        response = make_response(_fill(parts, own))
    else:
        response = make_response(rendered)
        if response.mimetype == "text/html" and not response.direct_passthrough:
            response.set_data(_fill(_parts(response.get_data(as_text=True)), own))
    response.headers["X-Page-Cache"] = state
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def _fill(parts: tuple, own: dict | None = None) -> bytes:
    slots = {**(own or {}), "csrf": generate_csrf().encode(), "flashes": b""}
    if session.get("_flashes"):
        slots["flashes"] = render_template("_flashes.html").encode()
        g.page_cache_flashes_shown = True
    missing = {part for part in parts if isinstance(part, str)} - slots.keys()
    if missing:  # a page's fill(names) that lost step with its template: empty, not a failed page
        if current_app.testing:
            raise KeyError(f"page slots without content: {sorted(missing)}")
        log.warning("Page slots without content, left empty: %s", sorted(missing))
    return b"".join(slots.get(part, b"") if isinstance(part, str) else part for part in parts)


def visitor_etag(page: str) -> str:
    """The ETag of a page (what identifies it, without the visitor's token) that carries the
    visitor's CSRF token: also their CSRF seed, and the half of the token's lifetime we are in,
    so a copy a browser revalidates holds a token that is still good."""
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT") or 0
    half = int(time.time() // (limit / 2)) if limit else 0
    seed = session.get(CSRF_FIELD, "")
    return hashlib.sha256(f"{page}|{seed}|{half}".encode()).hexdigest()[:32]
