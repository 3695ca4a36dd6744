"""Behind a confirmed link the person sees all their data, downloads it as JSON, corrects it
and withdraws any consent; the export is logged as theirs; nonsense gets a 4xx, never a 500."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.privacy.audit import Action
from app.privacy.consent import How
from app.privacy.models import AuditEntry, Consent
from app.privacy.rights import THEMSELVES
from app.registration.models import Participant
from tests.privacy.test_rights_link import rights_token


@pytest.fixture
def anna(make_event, register):
    """Anna at two events, with the newsletter and photos at the first."""
    first = register(make_event(title="Kenniscafé Wijkkracht"), "Anna de Vries",
                     organisation="Gemeente Tiel", newsletter=True, photos=True)  # fmt: skip
    register(make_event(title="Themadag Samen"), "Anna de Vries", organisation="Gemeente Tiel")
    return first


def test_the_page_shows_every_event_the_consents_and_why_data_is_kept(client, anna):
    page = client.get(f"/mijn-gegevens/{rights_token(anna.participant)}").get_data(as_text=True)
    assert "Kenniscafé Wijkkracht" in page and "Themadag Samen" in page
    assert "Gemeente Tiel" in page
    assert "Ja, stuur mij de nieuwsbrief van de werkplaats (optioneel)." in page  # its exact text
    assert "Uitvoering van de overeenkomst" in page  # the legal basis, from the registry
    assert page.count('type="submit" class="button button-secondary">Intrekken') == 2


def test_the_download_is_an_attachment_in_json_and_logged_as_the_persons_own(client, anna):
    token = rights_token(anna.participant)
    response = client.get(f"/mijn-gegevens/{token}/gegevens.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["version"] == 1 and len(data["tables"]["registrations"]["rows"]) == 2
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.user_id, entry.participant_id) == (
        Action.DATA_EXPORTED, None, anna.participant_id)  # fmt: skip
    assert entry.on_request_of == THEMSELVES and entry.on_request_of.startswith("de persoon zelf")


def test_a_correction_reaches_the_person_and_every_registration(client, anna):
    token = rights_token(anna.participant)
    response = client.post(f"/mijn-gegevens/{token}/corrigeren", data={
        "name": "Anna de Vries-Bos", "organisation": "Wijkteam Tiel", "function": "Coach"})  # fmt: skip
    assert response.status_code == 302
    participant = db.session.get(Participant, anna.participant_id)
    db.session.refresh(participant)
    assert (participant.name, participant.organisation) == ("Anna de Vries-Bos", "Wijkteam Tiel")
    assert {(r.name, r.organisation, r.function) for r in participant.registrations} == {
        ("Anna de Vries-Bos", "Wijkteam Tiel", "Coach")}  # fmt: skip
    assert participant.email == "anna.de.vries@example.org"  # who they are does not change
    # The person's own correction is theirs: nothing in the organisers' log.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_a_correction_without_a_name_is_refused_with_the_form(client, anna):
    token = rights_token(anna.participant)
    response = client.post(f"/mijn-gegevens/{token}/corrigeren", data={"name": "  "})
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)
    assert db.session.get(Participant, anna.participant_id).name == "Anna de Vries"


def test_the_page_explains_that_the_address_is_who_they_are(client, anna):
    page = client.get(f"/mijn-gegevens/{rights_token(anna.participant)}").get_data(as_text=True)
    assert "Het e-mailadres kan niet veranderen" in page


def test_any_consent_can_be_withdrawn_through_the_link(client, anna):
    token = rights_token(anna.participant)
    photos = db.session.scalar(sa.select(Consent).where(Consent.purpose == "photos"))
    response = client.post(f"/mijn-gegevens/{token}/toestemming/{photos.id}/intrekken")
    assert response.status_code == 302 and response.location.endswith("#toestemming")
    db.session.refresh(photos)
    assert photos.withdrawn_at is not None and photos.withdrawn_how == How.MANAGE_LINK
    page = client.get(f"/mijn-gegevens/{token}").get_data(as_text=True)
    assert page.count('type="submit" class="button button-secondary">Intrekken') == 1


def test_someone_elses_consent_cannot_be_withdrawn_through_ones_own_link(client, anna, register):
    bob = register(anna.event, "Bob Bakker", newsletter=True)
    bobs = db.session.scalar(sa.select(Consent).where(Consent.participant_id == bob.participant_id))
    token = rights_token(anna.participant)
    assert client.post(f"/mijn-gegevens/{token}/toestemming/{bobs.id}/intrekken").status_code == 404
    db.session.refresh(bobs)
    assert bobs.withdrawn_at is None


@pytest.mark.parametrize(("method", "path", "data"), [
    ("POST", "/corrigeren", {"name": "A" * 500}),
    ("POST", "/corrigeren", {"name": "Anna\nde Vries"}),
    ("POST", "/corrigeren", {"name": "Anna", "organisation": "x" * 201}),
    ("POST", "/toestemming/999999/intrekken", {}),
    ("POST", "/toestemming/99999999999/intrekken", {}),
    ("GET", "/toestemming/1/intrekken", {}),
    ("POST", "/wissen", {"certificates": "\x00"}),
    ("GET", "/gegevens.json?x=%00", {}),
])  # fmt: skip
def test_nonsense_gets_a_clear_4xx_not_a_500(client, anna, method, path, data):
    token = rights_token(anna.participant)
    response = client.open(f"/mijn-gegevens/{token}{path}", method=method, data=data)
    assert 400 <= response.status_code < 500, response.status_code


def test_a_json_body_is_refused_not_a_crash(client, anna):
    token = rights_token(anna.participant)
    response = client.post(f"/mijn-gegevens/{token}/corrigeren", json={"name": ["x"]})
    assert response.status_code == 400


class TestCsrf:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "WTF_CSRF_ENABLED": True}

    def test_every_form_on_the_page_carries_its_token_and_a_post_without_one_is_refused(
        self, client, anna
    ):
        token = rights_token(anna.participant)
        page = client.get(f"/mijn-gegevens/{token}").get_data(as_text=True)
        forms = re.findall(r"<form method=\"post\".*?</form>", page, flags=re.S)
        assert len(forms) == 4  # two consents, the correction, stopping the link
        assert all('name="csrf_token"' in form for form in forms)
        refused = client.post(f"/mijn-gegevens/{token}/corrigeren", data={"name": "X"})
        assert refused.status_code == 400
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        accepted = client.post(f"/mijn-gegevens/{token}/corrigeren",
                               data={"name": "Anna de Vries-Bos", "csrf_token": csrf})  # fmt: skip
        assert accepted.status_code == 302
