"""The organiser's mail page in Chromium: reached from the registrations list, with a failed
and a waiting message on it, it passes axe (WCAG 2.1 AA); resending works from the page."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_mail_page_passes_axe_and_resends_a_failed_message(
    page,
    live_server,
    mailbox,
    make_user,
    make_event,
    register,
):
    owner = make_user(email="organisator@example.org")
    event = make_event(owner=owner, title="Kenniscafé Buurtzorg")
    anna, bram = register(event, "Anna"), register(event, "Bram")
    mailbox.wait_for(2)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.registration_id == anna.id)
        .values(status="failed", attempts=10, last_error="SMTPRecipientsRefused: 550")
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.registration_id == bram.id)
        .values(status="pending", attempts=2, last_error="ConnectionRefusedError: 111")
    )
    db.session.commit()

    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(owner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server + f"/beheer/activiteiten/{event.id}/aanmeldingen")
    page.get_by_role("link", name="E-mailbezorging").click()
    assert page.locator("h1").inner_text() == "E-mailbezorging"
    assert axe_violations(page) == []
    assert page.csp_violations == []

    mailbox.clear()
    # The hidden address follows an absolutely positioned span: Chromium names it "… : …".
    page.get_by_role("button", name=re.compile(r"^Opnieuw versturen\s*: anna@example\.org")).click()
    assert "wordt opnieuw verstuurd" in page.locator(".flashes").inner_text()
    assert axe_violations(page) == []
    assert [m["To"] for m in mailbox.wait_for(1)] == ["anna@example.org"]
