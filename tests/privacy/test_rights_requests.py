"""An admin acting on a request received by mail or letter: only admins, every step asks on
whose request, and every step leaves a line in the audit log (who, when, what, on whose
request); the rules are the person's own (the same service)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.privacy.audit import Action
from app.privacy.consent import How
from app.privacy.models import AuditEntry, Consent
from app.registration.models import Participant, Registration

REQUEST = "e-mail van 3 maart 2026"
BASE = "/beheer/privacy/verzoeken"


@pytest.fixture
def admin(make_user, auth):
    user = make_user("admin", name="Beheerder Bea")
    auth.login(user.email)
    return user


@pytest.fixture
def anna(make_event, register):
    return register(make_event(capacity=1), "Anna de Vries", organisation="Gemeente Tiel",
                    newsletter=True)  # fmt: skip


def log() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_only_admins_may_act_on_requests(client, auth, make_user, anna):
    pid = anna.participant_id
    routes = [("GET", BASE), ("POST", BASE), ("GET", f"{BASE}/{pid}?verzoek=x"),
              ("POST", f"{BASE}/{pid}/download"), ("POST", f"{BASE}/{pid}/corrigeren"),
              ("POST", f"{BASE}/{pid}/toestemming/1/intrekken"), ("GET", f"{BASE}/{pid}/wissen"),
              ("POST", f"{BASE}/{pid}/wissen")]  # fmt: skip
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/beheer/inloggen" in response.location, url
    auth.login(make_user("organiser").email)
    for method, url in routes:
        assert client.open(url, method=method).status_code == 403, url
    assert log() == []


def test_finding_a_person_by_address_asks_on_whose_request(client, admin, anna):
    page = client.get(BASE).get_data(as_text=True)
    assert "Op verzoek van" in page
    response = client.post(BASE, data={"email": " Anna.de.Vries@example.org ",
                                       "on_request_of": REQUEST})  # fmt: skip
    assert response.status_code == 302
    url = urlsplit(response.location)
    assert url.path == f"{BASE}/{anna.participant_id}"
    assert parse_qs(url.query) == {"verzoek": [REQUEST]}
    assert log() == []  # found, not yet shown


@pytest.mark.parametrize("data", [
    {"email": "onbekend@example.org", "on_request_of": REQUEST},
    {"email": "1@anoniem.invalid", "on_request_of": REQUEST},
    {"email": "anna.de.vries@example.org", "on_request_of": ""},
    {"email": "geen adres", "on_request_of": REQUEST},
    {"email": "a" * 300 + "@example.org", "on_request_of": REQUEST},
    {"email": "anna.de.vries@example.org", "on_request_of": "x" * 201},
])  # fmt: skip
def test_a_search_that_finds_no_one_or_lacks_the_request_says_so(client, admin, anna, data):
    response = client.post(BASE, data=data)
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)


def test_showing_the_data_is_logged_with_who_and_on_whose_request(client, admin, anna):
    page = client.get(f"{BASE}/{anna.participant_id}?verzoek={REQUEST}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Gemeente Tiel" in text and anna.event.title in text
    [entry] = log()
    assert (entry.action, entry.user_id, entry.user_name, entry.on_request_of,
            entry.participant_id) == (Action.DATA_VIEWED, admin.id, "Beheerder Bea", REQUEST,
                                      anna.participant_id)  # fmt: skip


def test_without_a_request_the_data_is_not_shown(client, admin, anna):
    for query in ("", "?verzoek=", "?verzoek=%20%20", "?verzoek=" + "x" * 201):
        response = client.get(f"{BASE}/{anna.participant_id}{query}")
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "Op wiens verzoek?" in text
        assert "Gemeente Tiel" not in text
    assert log() == []


def test_every_admin_action_leaves_its_line(client, admin, anna, register):
    pid = anna.participant_id
    bob = register(anna.event, "Bob Bakker")  # waiting: Anna has the only place
    newsletter = db.session.scalar(sa.select(Consent.id).where(Consent.participant_id == pid))
    actions = [
        (f"{BASE}/{pid}/download", {}, Action.DATA_EXPORTED),
        (
            f"{BASE}/{pid}/corrigeren",
            {"name": "Anna de Vries-Bos", "organisation": "Tiel", "function": ""},
            Action.DATA_CORRECTED,
        ),  # fmt: skip
        (f"{BASE}/{pid}/toestemming/{newsletter}/intrekken", {}, Action.CONSENT_WITHDRAWN),
        (f"{BASE}/{pid}/wissen", {}, Action.ERASED),
    ]
    for url, data, action in actions:
        before = len(log())
        refused = client.post(url, data=data)  # without the request: refused, nothing done
        assert refused.status_code in (302, 400) and len(log()) == before, url
        response = client.post(url, data={**data, "on_request_of": REQUEST})
        assert response.status_code in (200, 302), url
        entry = log()[-1]
        assert (entry.action, entry.user_id, entry.on_request_of, entry.participant_id) == (
            action, admin.id, REQUEST, pid), url  # fmt: skip
        assert entry.at is not None and entry.detail
    db.session.expire_all()
    assert db.session.get(Participant, pid) is None
    assert db.session.get(Registration, bob.id).is_confirmed  # the waiting list moved up
    assert db.session.get(Consent, newsletter) is None  # withdrawn, then gone with the person


def test_the_download_is_the_persons_json(client, admin, anna):
    response = client.post(f"{BASE}/{anna.participant_id}/download",
                           data={"on_request_of": REQUEST})  # fmt: skip
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.get_data(as_text=True))
    assert data["email"] == "anna.de.vries@example.org" and data["version"] == 1


def test_a_withdrawal_on_request_is_recorded_as_the_admins(client, admin, anna):
    consent = db.session.scalar(sa.select(Consent))
    client.post(f"{BASE}/{anna.participant_id}/toestemming/{consent.id}/intrekken",
                data={"on_request_of": REQUEST})  # fmt: skip
    db.session.refresh(consent)
    assert consent.withdrawn_how == How.ADMIN and consent.withdrawn_at is not None


def test_a_correction_with_errors_shows_the_form_again(client, admin, anna):
    response = client.post(f"{BASE}/{anna.participant_id}/corrigeren",
                           data={"name": "", "on_request_of": REQUEST})  # fmt: skip
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)
    assert [e.action for e in log()] == [Action.DATA_VIEWED]  # shown again, nothing corrected


def test_the_erasure_page_asks_for_the_request_and_says_what_happens(client, admin, anna):
    page = client.get(f"{BASE}/{anna.participant_id}/wissen?verzoek={REQUEST}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and REQUEST in text
    assert "de plaats gaat naar de eerste op de wachtlijst" in text
    assert log() == []


@pytest.mark.parametrize(("method", "url"), [
    ("GET", f"{BASE}/999999?verzoek=x"),
    ("GET", f"{BASE}/99999999999?verzoek=x"),
    ("GET", f"{BASE}/abc"),
    ("POST", f"{BASE}/999999/wissen"),
    ("POST", f"{BASE}/{{pid}}/toestemming/999999/intrekken"),
    ("GET", f"{BASE}/{{pid}}?verzoek=%00"),
    ("POST", f"{BASE}/{{pid}}/download"),
])  # fmt: skip
def test_nonsense_gets_a_clear_4xx_or_the_form_not_a_500(client, admin, anna, method, url):
    data = {"on_request_of": REQUEST} if "intrekken" in url else {}
    response = client.open(url.format(pid=anna.participant_id), method=method, data=data)
    assert response.status_code < 500
    assert response.status_code in (302, 400, 404, 405)


def test_an_anonymised_registrations_placeholder_is_no_person(client, admin, anna):
    from app.privacy.retention import anonymise

    anonymise([anna])
    db.session.commit()
    placeholder = db.session.get(Registration, anna.id).participant_id
    assert client.get(f"{BASE}/{placeholder}?verzoek=x").status_code == 404
