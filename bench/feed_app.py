"""The app plus a bare GET endpoint, for the feed revalidation benchmark:

    gunicorn 'bench.feed_app:app'

The bare route (/bench/bare) is registered on the app itself, so it passes the same WSGI
server, middleware and before/after-request hooks as the feed; only the view's work differs."""

from app import create_app
from bench.calendar_data import with_bare_route

app = with_bare_route(create_app())
