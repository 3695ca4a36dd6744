"""From the manage link, a person asks for their data: a link goes to their address, in their
language, and works for PRIVACY_CONFIRM_MINUTES; an expired, stopped or unknown one is refused
with a page that says how to start again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.privacy.rights_models import RightsLink
from app.registration.tokens import issue_manage_token
from app.timezones import utcnow
from app.tokens import new_token, token_hash

LINK = re.compile(r"http://kennisagenda\.test/mijn-gegevens/([\w-]+)")


def manage_token(registration) -> str:
    token = issue_manage_token(registration)
    db.session.commit()
    return token


def rights_token(participant, minutes: int = 30) -> str:
    """A confirmed link for the person, as if opened from the mail."""
    token, now = new_token(), utcnow()
    db.session.add(RightsLink(participant_id=participant.id, token_hash=token_hash(token),
                              created_at=now, expires_at=now + timedelta(minutes=minutes)))  # fmt: skip
    db.session.commit()
    return token


def ask_for_link(client, mailbox, registration) -> str:
    """Press the button on the manage page; return the token from the mail."""
    token = manage_token(registration)
    mailbox.clear()
    response = client.post(f"/aanmelding/{token}/mijn-gegevens")
    assert response.status_code == 302
    assert response.location.endswith(f"/aanmelding/{token}#mijn-gegevens")
    [message] = mailbox.wait_for(1)
    assert message["To"] == registration.participant.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    return LINK.search(body).group(1)


@pytest.fixture
def anna(make_event, register):
    return register(make_event(), "Anna de Vries")


def test_the_manage_page_offers_to_see_download_or_erase_the_data(client, anna):
    page = client.get(f"/aanmelding/{manage_token(anna)}").get_data(as_text=True)
    assert "Uw gegevens inzien, downloaden of wissen" in page
    assert "30 minuten" in page and anna.participant.email in page


def test_the_link_comes_by_mail_and_opens_the_persons_data(client, mailbox, anna):
    token = ask_for_link(client, mailbox, anna)
    [message] = mailbox.messages
    assert message["Subject"] == "Uw gegevens bekijken: bevestig uw e-mailadres"
    assert "binnen 30 minuten" in message.get_body(preferencelist=("plain",)).get_content()
    stored = db.session.scalar(sa.select(RightsLink))
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only its hash
    assert timedelta(minutes=29) < stored.expires_at - stored.created_at <= timedelta(minutes=30)
    response = client.get(f"/mijn-gegevens/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = response.get_data(as_text=True)
    assert "Mijn gegevens" in page and "Anna de Vries" in page and anna.event.title in page


def test_the_mail_and_the_pages_are_in_the_registrations_language(client, mailbox, make_event,
                                                                   register):  # fmt: skip
    shukru = register(make_event(), "Şükrü Çelik", language="en")
    token = ask_for_link(client, mailbox, shukru)
    assert mailbox.messages[0]["Subject"] == "Your data: confirm your e-mail address"
    assert "My data" in client.get(f"/mijn-gegevens/{token}").get_data(as_text=True)


def test_an_expired_link_is_refused_with_a_way_to_start_again(client, mailbox, anna, app):
    token = ask_for_link(client, mailbox, anna)
    link = db.session.scalar(sa.select(RightsLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for url in (f"/mijn-gegevens/{token}", f"/mijn-gegevens/{token}/gegevens.json",
                f"/mijn-gegevens/{token}/wissen"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 410, url
        assert "Deze link werkt niet meer" in response.get_data(as_text=True)
    response = client.post(f"/mijn-gegevens/{token}/wissen", data={"certificates": "revoke"})
    assert response.status_code == 410
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(RightsLink)) == 1
    )  # nothing done


def test_a_link_the_person_stopped_works_no_more(client, mailbox, anna):
    token = ask_for_link(client, mailbox, anna)
    page = client.post(f"/mijn-gegevens/{token}/stoppen").get_data(as_text=True)
    assert "De link is gestopt" in page
    assert client.get(f"/mijn-gegevens/{token}").status_code == 410


@pytest.mark.parametrize("token", ["onbekend", "x" * 101, "%00", "gewist-niet"])
def test_an_unknown_link_is_a_404_with_the_same_help(client, token):
    response = client.get(f"/mijn-gegevens/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 404:
        assert "Deze link werkt niet meer" in response.get_data(as_text=True)


def test_a_wrong_manage_link_sends_nothing(client, mailbox):
    assert client.post("/aanmelding/onzin/mijn-gegevens").status_code == 404
    assert mailbox.messages == []
    assert client.get("/aanmelding/onzin/mijn-gegevens").status_code == 405


def test_links_expired_a_day_ago_are_cleared_when_a_new_one_is_asked(client, mailbox, anna):
    ask_for_link(client, mailbox, anna)
    db.session.scalar(sa.select(RightsLink)).expires_at = utcnow() - timedelta(days=2)
    db.session.commit()
    ask_for_link(client, mailbox, anna)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RightsLink)) == 1


class TestRateLimit:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "RATELIMIT_ENABLED": True}

    def test_one_person_gets_at_most_three_mails_in_a_quarter_of_an_hour(
        self, client, mailbox, anna
    ):
        token = manage_token(anna)
        mailbox.clear()  # the registration's own confirmation
        statuses = [client.post(f"/aanmelding/{token}/mijn-gegevens").status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
        assert len(mailbox.wait_for(3)) == 3
        # Another link of the same person shares the limit.
        assert client.post(f"/aanmelding/{manage_token(anna)}/mijn-gegevens").status_code == 429
