"""Every form is CSRF-protected: a POST to any route without a token is refused with a 400
and a clear message, and changes nothing."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.programme.models import Event


@pytest.fixture
def app_config(base_config):
    return {**base_config, "WTF_CSRF_ENABLED": True}


# Mail providers post RFC 8058 one-click unsubscribes without a token; that route is exempt on
# purpose (tests/registration/test_unsubscribe.py, tests/privacy/test_consent.py).
CSRF_EXEMPT = {"registration.stop_group_messages", "consent.withdraw_by_link"}


def test_every_post_route_refuses_a_missing_token(app, client, make_event):
    event = make_event()
    posts = [r for r in app.url_map.iter_rules()
             if "POST" in r.methods and r.endpoint not in CSRF_EXEMPT]  # fmt: skip
    assert len(posts) >= 10
    for rule in posts:
        url = re.sub(r"<int:[^>]+>", str(event.id), rule.rule)
        url = re.sub(r"<[^>]+>", event.slug, url)
        response = client.post(url, data={"title": "gekaapt"})
        assert response.status_code == 400, rule.rule
        assert "Het formulier is verlopen" in response.get_data(as_text=True), rule.rule


def test_login_works_with_the_token_from_the_page(client, make_user):
    user = make_user()
    page = client.get("/beheer/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/beheer/inloggen",
        data={"csrf_token": token, "email": user.email, "password": "een-lang-wachtwoord"},
    )
    assert response.status_code == 302


def test_forged_cancel_changes_nothing(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    client.post(f"/beheer/activiteiten/{event.id}/annuleren")
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event.status).where(Event.id == event.id)) == "published"
