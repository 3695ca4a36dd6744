"""Stopping the organisation's group messages: the link in each group message (and in its
List-Unsubscribe header) shows a page with a button, and a mail provider's RFC 8058 one-click
POST — no cookies, no CSRF token — stops them too. Confirmations and changes still come. The
unsubscribe token opens nothing else, and a manage token stops nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity import services as activity
from app.extensions import db
from app.programme import services as programme
from app.registration import messages
from app.registration.models import Registration
from app.registration.tokens import issue_manage_token, issue_unsubscribe_token, revoke_all

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
DONE = "U ontvangt geen berichten van de organisatie meer over"


@pytest.fixture
def app_config(base_config):
    # As in production: every form needs its CSRF token, except the one-click POST.
    return {**base_config, "WTF_CSRF_ENABLED": True}


def stopped_at(registration):
    return db.session.scalar(
        sa.select(Registration.group_messages_stopped_at).where(Registration.id == registration.id)
    )


def group_message(event, mailbox, expected: int):
    mailbox.clear()
    sent = messages.message_registrants(event, "all", "Parkeren", "Parkeer achter het gebouw.")
    db.session.commit()
    assert sent == expected
    return mailbox.wait_for(expected)


def stop_path(message) -> str:
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"].strip()).group(1)
    return re.fullmatch(r"http://kennisagenda\.test(/berichten-stoppen/[\w-]+)", url).group(1)


def test_one_click_from_the_header_stops_group_messages_but_not_the_rest(
    app, mailbox, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner, title="Kenniscafé Wonen")
    anna, bram = register(event, "Anna"), register(event, "Bram")
    received = group_message(event, mailbox, expected=2)
    path = stop_path(next(m for m in received if m["To"] == "anna@example.org"))

    provider = app.test_client()  # a mail provider: no session, no cookie, no token
    response = provider.post(path, data=ONE_CLICK)
    assert response.status_code == 200
    assert DONE + " Kenniscafé Wonen" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    first = stopped_at(anna)
    assert first is not None and stopped_at(bram) is None
    assert provider.post(path, data=ONE_CLICK).status_code == 200  # again: nothing changes
    assert stopped_at(anna) == first

    [to_bram] = group_message(event, mailbox, expected=1)
    assert to_bram["To"] == "bram@example.org"
    assert messages.group_messages_stopped(event, "all") == 1
    assert messages.group_messages_stopped(event, "waitlisted") == 0

    mailbox.clear()  # a change to her registration still reaches her
    locked = programme.managed_event(owner, event.id, lock=True)
    activity.update_event(locked, {"starts_at": event.starts_at + timedelta(hours=1)})
    db.session.commit()
    changed = mailbox.wait_for(2)
    assert {m["To"] for m in changed} == {"anna@example.org", "bram@example.org"}
    assert all(m["Subject"].startswith("Gewijzigd:") for m in changed)


def test_the_page_asks_first_and_its_button_stops_the_messages(client, make_event, register):
    event = make_event(title="Themadag Armoede")
    anna = register(event, "Anna")
    token = issue_unsubscribe_token(anna)
    db.session.commit()

    page = client.get(f"/berichten-stoppen/{token}")  # a link scanner's GET changes nothing
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Geen berichten meer ontvangen" in body
    assert "Themadag Armoede" in body and page.headers["X-Robots-Tag"] == "noindex"
    assert stopped_at(anna) is None

    assert client.post(f"/berichten-stoppen/{token}", data=ONE_CLICK).status_code == 200
    again = client.get(f"/berichten-stoppen/{token}").get_data(as_text=True)
    assert DONE in again and "Geen berichten meer ontvangen" not in again


def test_the_page_speaks_english_too(client, make_event, register):
    event = make_event(title="Kenniscafé")
    token = issue_unsubscribe_token(register(event, "Anna"))
    db.session.commit()
    with client.session_transaction() as session:
        session["language"] = "en"
    body = client.get(f"/berichten-stoppen/{token}").get_data(as_text=True)
    assert "Stop receiving messages" in body and "Stop messages from the organisers" in body
    done = client.post(f"/berichten-stoppen/{token}", data=ONE_CLICK).get_data(as_text=True)
    # The event's title is the organisers' Dutch, marked as such in the English page.
    about = 'about <span lang="nl">Kenniscafé</span>'
    assert "You will no longer receive messages from the organisers " + about in done


def test_a_wrong_or_revoked_token_is_a_plain_404(client, make_event, register):
    anna = register(make_event(), "Anna")
    token = issue_unsubscribe_token(anna)
    db.session.commit()
    for wrong in ("x", token[:-1], "a" * 300):
        assert client.get(f"/berichten-stoppen/{wrong}").status_code == 404
        assert client.post(f"/berichten-stoppen/{wrong}", data=ONE_CLICK).status_code == 404
    revoke_all(db.session.get(Registration, anna.id))
    db.session.commit()
    assert client.post(f"/berichten-stoppen/{token}", data=ONE_CLICK).status_code == 404
    assert stopped_at(anna) is None


def test_each_token_does_only_its_own_job(client, make_event, register):
    anna = register(make_event(), "Anna")
    manage, unsubscribe = issue_manage_token(anna), issue_unsubscribe_token(anna)
    db.session.commit()
    assert client.get(f"/aanmelding/{manage}").status_code == 200

    assert client.post(f"/berichten-stoppen/{manage}", data=ONE_CLICK).status_code == 404
    assert stopped_at(anna) is None
    for page in ("", "/afmelden", "/workshops"):
        assert client.get(f"/aanmelding/{unsubscribe}{page}").status_code == 404, page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True))
    for action in ("/afmelden", "/nieuwe-link", "/agenda", ""):
        response = client.post(
            f"/aanmelding/{unsubscribe}{action}", data={"csrf_token": csrf.group(1)}
        )
        assert response.status_code == 404, action
    db.session.expire_all()
    assert db.session.get(Registration, anna.id).status == "confirmed"


def test_other_posts_still_need_their_csrf_token(app, make_event, register):
    token = issue_manage_token(register(make_event(), "Anna"))
    db.session.commit()
    response = app.test_client().post(f"/aanmelding/{token}/afmelden")
    assert response.status_code == 400
