"""A header value can never stop a message: line breaks and control characters in a subject
(an event title with CR/LF, say) are folded to spaces, and the mail goes out once."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import one_line


@pytest.mark.parametrize(
    "value, folded",
    [
        ("Kenniscafé\r\nBcc: iedereen@example.org", "Kenniscafé Bcc: iedereen@example.org"),
        ("Eén\rtwee\ndrie", "Eén twee drie"),
        ("tab\there, nul\x00, del\x7f, nel\x85, ls\u2028", "tab here, nul , del , nel , ls"),
        ("Gewoon een titel", "Gewoon een titel"),
    ],
)
def test_one_line_folds_line_breaks_and_control_characters_to_a_space(value, folded):
    assert one_line(value) == folded


def test_a_title_with_a_line_break_still_reaches_a_real_smtp_server_once(
    client, mailbox, make_event
):
    event = make_event(title="Kenniscafe\r\nBcc: iedereen@example.org")
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 302

    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Aanmelding bevestigd: Kenniscafe Bcc: iedereen@example.org"
    assert message["To"] == "anna@example.org" and message["Bcc"] is None
    assert len(mailbox.wait_for(2, timeout=0.5)) == 1
    stored = db.session.scalar(sa.select(OutboxMessage))
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, "")
