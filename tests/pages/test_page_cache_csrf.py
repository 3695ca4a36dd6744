"""A cached page carries each visitor's own CSRF token, and each is accepted."""

import re

import pytest

from app.extensions import db
from app.registration.models import Registration

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(base_config):
    return {**base_config, "WTF_CSRF_ENABLED": True}


def test_two_visitors_get_two_tokens_and_both_are_accepted(app, make_event):
    event = make_event(capacity=40)
    url = f"/activiteiten/{event.slug}"
    anna, bert = app.test_client(), app.test_client()
    first, second = anna.get(url), bert.get(url)
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    tokens = {name: set(TOKEN.findall(r.get_data(as_text=True)))
              for name, r in (("anna", first), ("bert", second))}  # fmt: skip
    assert len(tokens["anna"]) == len(tokens["bert"]) == 1  # one token throughout each page
    assert tokens["anna"] != tokens["bert"]
    for client, name in ((anna, "anna"), (bert, "bert")):
        response = client.post(f"{url}/aanmelden", data={
            "csrf_token": tokens[name].pop(), "name": name.title(),
            "email": f"{name}@example.org", "privacy": "y"})  # fmt: skip
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.query(Registration).count() == 2
    # A token from someone else's page is refused: it is bound to its visitor's session.
    third = app.test_client()
    third.get(url)
    stolen = TOKEN.findall(anna.get(url).get_data(as_text=True))[0]
    refused = third.post(f"{url}/aanmelden", data={"csrf_token": stolen, "name": "Cor",
                                                   "email": "cor@example.org", "privacy": "y"})  # fmt: skip
    assert refused.status_code == 400
