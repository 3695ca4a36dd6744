"""The session cookie's serializer is made once per secret key (app/session_cookie.py)."""

import pytest
from itsdangerous import BadSignature


def test_one_serializer_per_key_and_a_new_key_signs_anew(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    app.config["SECRET_KEY"] = "een-andere-sleutel-voor-deze-test"
    second = interface.get_signing_serializer(app)
    assert second is not first
    cookie = second.dumps({"language": "en"})
    assert second.loads(cookie) == {"language": "en"}
    with pytest.raises(BadSignature):
        first.loads(cookie)


def test_a_visitor_keeps_their_session(client):
    client.post("/taal", data={"taal": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
