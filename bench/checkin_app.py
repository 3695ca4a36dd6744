"""The app plus two bare JSON endpoints, for the check-in benchmark:

    gunicorn 'bench.checkin_app:app'

Both are registered on the app itself and posted exactly as the desk posts a scan (the same
session cookie, the same X-CSRFToken header, a JSON body), so they pass the same server,
middleware, CSRF check and request hooks; only the view's work differs (bench/checkin.py)."""

from app import create_app
from bench.checkin import with_bare_posts

app = with_bare_posts(create_app())
