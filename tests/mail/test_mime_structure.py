"""Mail every client understands, as received by a real SMTP server on loopback: an invitation
in the MIME tree Google Calendar and Outlook write (RFC 6047), Reply-To the event's contact, a
Date with a real offset — and no bulk headers on a person's own confirmation."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

from app.activity import services as activity
from app.extensions import db
from app.timezones import utcnow

register_form = {"name": "Anna de Vries", "email": "anna@example.org", "privacy": "y"}


def tree(part):
    """The message's MIME tree as content types: ("multipart/x", [children]) or a leaf type."""
    if part.is_multipart():
        return (part.get_content_type(), [tree(child) for child in part.iter_parts()])
    return part.get_content_type()


def calendar_parts(message):
    [alternatives, attachment] = message.iter_parts()
    *_text_and_html, calendar = alternatives.iter_parts()
    return calendar, attachment


def method_inside(raw: bytes) -> str:
    return re.search(rb"^METHOD:(\w+)\r$", raw, re.MULTILINE).group(1).decode()


def test_a_confirmation_arrives_in_the_tree_google_and_outlook_write(client, mailbox, make_event):
    event = make_event(title="Kenniscafé", contact_email="wijkteam@example.org")
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    assert response.status_code == 302
    [message] = mailbox.wait_for(1)

    assert tree(message) == (
        "multipart/mixed",
        [
            ("multipart/alternative", [
                "text/plain", ("multipart/related", ["text/html", "image/png"]), "text/calendar",
            ]),
            "application/ics",
        ],
    )  # fmt: skip
    calendar, attachment = calendar_parts(message)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert [p.get_content_charset() for p in (text, html, calendar)] == ["utf-8"] * 3

    raw = calendar.get_payload(decode=True)
    assert calendar.get_param("method") == method_inside(raw) == "REQUEST"
    lines = raw.split(b"\n")
    assert lines[-1] == b"" and all(line.endswith(b"\r") for line in lines[:-1])
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")

    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_payload(decode=True) == raw  # the same calendar, byte for byte

    assert message["Reply-To"] == "wijkteam@example.org"
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"]
    assert not message["Date"].endswith("-0000")
    sent = parsedate_to_datetime(message["Date"])
    assert sent.tzinfo is not None and abs(sent - utcnow()) < timedelta(minutes=1)
    for bulk in ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence"):
        assert message[bulk] is None, bulk


def test_a_cancellation_names_cancel_outside_as_inside(client, mailbox, make_event, register):
    event = make_event()
    anna = register(event, "Anna")
    mailbox.clear()
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    [message] = mailbox.wait_for(1)
    calendar, attachment = calendar_parts(message)
    raw = calendar.get_payload(decode=True)
    assert calendar.get_param("method") == method_inside(raw) == "CANCEL"
    assert attachment.get_payload(decode=True) == raw


def test_a_mail_without_a_calendar_is_text_and_html_only(client, mailbox, make_event, register):
    event = make_event(capacity=1)  # no contact address: no Reply-To
    register(event, "Anna")
    register(event, "Bram")  # waiting: no calendar entry without a place
    waiting = mailbox.wait_for(2)[-1]
    assert waiting["Subject"].startswith("U staat op de wachtlijst")
    assert tree(waiting) == ("multipart/alternative", ["text/plain", "text/html"])
    assert waiting["Reply-To"] is None
    assert not waiting["Date"].endswith("-0000")
