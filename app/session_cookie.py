"""Flask's signed session cookie, with its serializer made once per secret key.

Flask builds the serializer anew for every request that opens or saves a session, and
itsdangerous tries the JSON serializer on an empty dict each time to learn whether it writes
text: a tenth of a page served from the cache. The serializer keeps nothing between calls, so
one per key serves every thread."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = app.extensions.get("session_cookie.serializer")
        if made is None or made[0] != keys:  # a new key (tests set their own) gets its own
            made = (keys, super().get_signing_serializer(app))
            app.extensions["session_cookie.serializer"] = made
        return made[1]
