"""An organiser's group message is bulk mail: it carries List-Id (RFC 2919), List-Unsubscribe
with one-click (RFC 8058) and Precedence: bulk, and its last line says why the person gets it
and how to stop it — a personal mail (a confirmation) carries none of that."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.mail.services import queue_message
from app.registration import messages

STOP_URL = re.compile(r"https://kennisagenda\.test/berichten-stoppen/[\w-]{43}")


@pytest.fixture
def app_config(base_config):
    # One-click unsubscribe is defined for HTTPS only; production's BASE_URL is https.
    return {**base_config, "BASE_URL": "https://kennisagenda.test"}


def bodies(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_a_group_message_carries_the_bulk_headers_and_a_personal_stop_link(
    client, auth, mailbox, settled, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner, title="Wat gaat er goed tussen generaties?",
                       contact_email="wijkteam@example.org")  # fmt: skip
    register(event, "Anna"), register(event, "Bram")
    mailbox.clear()
    auth.login(owner.email)
    response = client.post(f"/beheer/activiteiten/{event.id}/bericht",
                           data={"audience": "all", "subject": "Parkeren", "body": "Parkeer achter."})  # fmt: skip
    assert response.status_code == 302
    settled()
    received = mailbox.wait_for(2)
    assert {m["To"] for m in received} == {"anna@example.org", "bram@example.org"}

    links = set()
    for message in received:
        assert message["List-Id"] == (
            f"Wat gaat er goed tussen generaties <event-{event.id}.kennisagenda.test>"
        )
        # Longer than a line: folded onto the next, which a parser reads as leading space.
        url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"].strip()).group(1)
        assert STOP_URL.fullmatch(url)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Precedence"] == "bulk"
        assert message["Reply-To"] == "wijkteam@example.org"
        text, html = bodies(message)
        footer = (
            "U ontvangt dit bericht omdat u bent aangemeld voor Wat gaat er goed tussen "
            "generaties? Geen berichten van de organisatie meer ontvangen?"
        )
        assert text.rstrip().endswith(f"{footer} {url}")
        assert f'<a href="{url}"' in html and html.index(url) > html.index("Parkeer achter.")
        links.add(url)
    assert len(links) == 2, "each person has their own stop link"


def test_a_confirmation_is_no_bulk_mail(client, mailbox, make_event):
    event = make_event()
    client.post(f"/activiteiten/{event.slug}/aanmelden",
                data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    [message] = mailbox.wait_for(1)
    for bulk in ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence"):
        assert message[bulk] is None, bulk
    text, html = bodies(message)
    assert "berichten-stoppen" not in text and "berichten-stoppen" not in html


def test_the_list_id_keeps_to_plain_words_whatever_the_title(make_event):
    event = make_event(title="Café «Generaties» & zorg\r\nBcc: x@example.org — 2026/3")
    assert messages.group_list_id(event) == (
        f"Cafe Generaties zorg Bcc x example org 2026 3 <event-{event.id}.kennisagenda.test>"
    )
    event.title = "«»"
    assert messages.group_list_id(event) == f"Kennisagenda <event-{event.id}.kennisagenda.test>"


def test_a_plain_http_link_is_offered_but_not_as_one_click(app, mailbox):
    queue_message(kind="organiser_message", recipient="anna@example.org", subject="Bericht",
                  text_body="Tekst", html_body="<p>Tekst</p>", list_id="Lijst <event-1.localhost>",
                  unsubscribe_url="http://localhost:5000/berichten-stoppen/abc")  # fmt: skip
    db.session.commit()
    [message] = mailbox.wait_for(1)
    assert message["List-Unsubscribe"] == "<http://localhost:5000/berichten-stoppen/abc>"
    assert message["List-Unsubscribe-Post"] is None  # RFC 8058 demands HTTPS
    assert message["List-Id"] == "Lijst <event-1.localhost>"
