"""The app plus one bare GET endpoint: the yardstick for the feed revalidation benchmark.

    gunicorn 'bench.feed_app:app'

The bare route is registered on the app itself, so it passes the same WSGI server, middleware
and before/after-request hooks (session, locale, security headers) as the feed; only the view's
work differs: no query, a two-byte body."""

from app import create_app

app = create_app()


@app.get("/bench/bare")
def bare():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
