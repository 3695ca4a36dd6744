"""The session form's "new speaker" dialog posts to /beheer/sprekers.json; the form page draws
the picker that session_form.js makes searchable, and keeps working without JavaScript."""

import re

import pytest
import sqlalchemy as sa

from app.agenda.models import Speaker
from app.extensions import db
from tests.conftest import row_count

URL = "/beheer/sprekers.json"


def speaker_named(name: str) -> Speaker | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Speaker).where(Speaker.name == name))


def test_a_new_speaker_is_added_and_answered_with_its_id_name_and_label(client, auth, make_user):
    organiser = make_user()
    auth.login(organiser.email)
    response = client.post(URL, data={"name": " Aïcha Bakker ", "organisation": "Buurtteam",
                                      "bio": "", "email": "aicha@example.org"})  # fmt: skip
    assert response.status_code == 201
    speaker = speaker_named("Aïcha Bakker")
    assert response.get_json() == {"id": speaker.id, "name": "Aïcha Bakker",
                                   "label": "Aïcha Bakker (Buurtteam)"}  # fmt: skip
    assert speaker.created_by_id == organiser.id and speaker.email == "aicha@example.org"


def test_a_speaker_without_organisation_is_labelled_by_name_alone(client, auth, make_user):
    auth.login(make_user().email)
    response = client.post(URL, data={"name": "Piet"})
    assert response.status_code == 201
    assert response.get_json()["label"] == "Piet"


@pytest.mark.parametrize("details", [{"name": ""}, {"name": "   "},
                                     {"name": "Piet", "email": "geen-adres"}])  # fmt: skip
def test_a_speaker_the_form_refuses_is_a_400_with_the_reason_and_adds_nobody(
    client, auth, make_user, details
):
    auth.login(make_user().email)
    response = client.post(URL, data=details)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] and body["code"] == 400
    field = "E-mailadres" if "email" in details else "Naam"
    assert body["error"].startswith(field + ":")
    assert row_count(Speaker) == 0


def test_only_organisers_may_add_speakers(client, auth, make_user):
    response = client.post(URL, data={"name": "Piet"})
    assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]
    auth.login(make_user(role="checkin").email)
    assert client.post(URL, data={"name": "Piet"}).status_code == 403
    assert row_count(Speaker) == 0


def test_the_form_page_draws_the_picker_the_dialog_and_the_link_for_without_javascript(
    client, auth, make_user, make_event
):
    from app.agenda.speakers import save_speaker

    owner = make_user()
    event = make_event(owner=owner, kind="themadag", status="draft", hours=6)
    piet = save_speaker({"name": "Piet", "organisation": "Gemeente"})
    db.session.commit()
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/programma/nieuw").get_data(as_text=True)
    assert re.search(rf'<input id="speakers-0" name="speakers" type="checkbox" value="{piet.id}">'
                     r'\s*<label for="speakers-0">Piet \(Gemeente\)</label>', page)  # fmt: skip
    assert '<label for="speaker-search">Zoek een spreker</label>' in page
    assert 'action="/beheer/sprekers.json"' in page and "<dialog" in page
    assert 'href="/beheer/sprekers"' in page  # without JavaScript: the speakers page
    assert 'src="/static/js/session_form.js" defer' in page
    assert 'href="/static/css/session_form.css"' in page
    assert "<script>" not in page and " onclick=" not in page  # the CSP allows neither


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "WTF_CSRF_ENABLED": True}

    def test_without_the_token_nothing_is_added_and_the_error_is_json(
        self, client, make_user, make_event
    ):
        owner = make_user()
        event = make_event(owner=owner, kind="themadag", status="draft")
        self._login(client, owner)
        response = client.post(URL, data={"name": "Piet"}, headers={"Accept": "application/json"})
        assert response.status_code == 400
        assert "Het formulier is verlopen" in response.get_json()["error"]
        assert row_count(Speaker) == 0

        # With the token from the form page's <meta name="csrf-token">, as session_form.js sends.
        page = client.get(f"/beheer/activiteiten/{event.id}/programma/nieuw").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        response = client.post(URL, data={"name": "Piet", "csrf_token": token},
                               headers={"Accept": "application/json"})  # fmt: skip
        assert response.status_code == 201

    @staticmethod
    def _login(client, user):
        page = client.get("/beheer/inloggen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/beheer/inloggen", data={
            "csrf_token": token, "email": user.email, "password": "een-lang-wachtwoord"})  # fmt: skip
        assert response.status_code == 302
