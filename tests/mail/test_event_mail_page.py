"""Organisers see the mail about their event that has not arrived, and send failed messages
again; each then reaches the real SMTP server once."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from app.timezones import utcnow


def fail(message_id: int, error: str = "SMTPRecipientsRefused: 550 mailbox full") -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="failed", attempts=10, last_error=error)
    )
    db.session.commit()


def message_for(registration) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    )


@pytest.fixture
def event_with_mail(make_user, make_event, register, mailbox):
    owner = make_user()
    event = make_event(owner=owner, title="Kenniscafé Buurtzorg")
    people = {name: register(event, name) for name in ("Anna", "Bram", "Cas", "Dirk")}
    mailbox.wait_for(4)
    mailbox.clear()
    return owner, event, people


def test_the_page_counts_per_status_and_lists_what_did_not_arrive(client, auth, event_with_mail):
    owner, event, people = event_with_mail
    fail(message_for(people["Anna"]).id)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_for(people["Bram"]).id)
        .values(status="pending", attempts=2, last_error="ConnectionRefusedError: 111")
    )
    db.session.commit()
    auth.login(owner.email)

    registrations = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen")
    assert f'href="/beheer/activiteiten/{event.id}/mail"' in registrations.get_data(as_text=True)
    page = client.get(f"/beheer/activiteiten/{event.id}/mail")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for count, label in ((2, "verstuurd"), (1, "wachten op verzending"), (1, "mislukt")):
        assert f"<strong>{count}</strong> {label}" in body
    assert "anna@example.org" in body and "550 mailbox full" in body
    assert "bram@example.org" in body and "ConnectionRefusedError: 111" in body
    assert "Aanmelding bevestigd: Kenniscafé Buurtzorg" in body
    assert "cas@example.org" not in body  # delivered: counted, not listed
    assert body.count("Opnieuw versturen<") == 1  # only the failed one can be resent


def test_resending_a_failed_message_delivers_it_once(client, auth, mailbox, event_with_mail):
    owner, event, people = event_with_mail
    message = message_for(people["Anna"])
    fail(message.id)
    auth.login(owner.email)

    url = f"/beheer/activiteiten/{event.id}/mail/{message.id}/opnieuw"
    response = client.post(url)
    assert response.status_code == 302
    assert response.location.endswith(f"/beheer/activiteiten/{event.id}/mail")
    # One message: sent by the request itself, so it is there when the response is.
    assert [m["To"] for m in mailbox.messages] == ["anna@example.org"]
    assert (message_for(people["Anna"]).status, message_for(people["Anna"]).attempts) == (
        "sent",
        1,
    )
    assert client.post(url).status_code == 409  # delivered: nothing to resend
    assert len(mailbox.wait_for(2, timeout=0.5)) == 1


def test_resending_all_failed_messages_delivers_each_once(
    client, auth, mailbox, settled, event_with_mail
):
    owner, event, people = event_with_mail
    for name in ("Anna", "Bram", "Cas"):
        fail(message_for(people[name]).id)
    auth.login(owner.email)

    response = client.post(f"/beheer/activiteiten/{event.id}/mail/opnieuw", follow_redirects=True)
    assert "3 mislukte berichten worden opnieuw verstuurd." in response.get_data(as_text=True)
    settled()  # more than one: the background sender has them
    received = mailbox.wait_for(3)
    assert sorted(m["To"] for m in received) == [
        "anna@example.org",
        "bram@example.org",
        "cas@example.org",
    ]
    assert len(mailbox.wait_for(4, timeout=0.5)) == 3  # Dirk's was never failed
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(sa.select(OutboxMessage))} == {"sent"}


def test_a_pending_message_is_not_reset_and_keeps_its_schedule(client, auth, event_with_mail):
    owner, event, people = event_with_mail
    message = message_for(people["Anna"])
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(status="pending", attempts=3, next_attempt_at=utcnow().replace(year=2099))
    )
    db.session.commit()
    auth.login(owner.email)
    response = client.post(f"/beheer/activiteiten/{event.id}/mail/{message.id}/opnieuw")
    assert response.status_code == 409
    assert message_for(people["Anna"]).attempts == 3


def test_only_the_events_own_organisers_see_or_resend_its_mail(
    client, auth, make_user, make_event, event_with_mail
):
    owner, event, people = event_with_mail
    message = message_for(people["Anna"])
    fail(message.id)
    other = make_user()
    others_event = make_event(owner=other)

    auth.login(other.email)
    assert client.get(f"/beheer/activiteiten/{event.id}/mail").status_code == 403
    assert client.post(f"/beheer/activiteiten/{event.id}/mail/opnieuw").status_code == 403
    assert (
        client.post(f"/beheer/activiteiten/{event.id}/mail/{message.id}/opnieuw").status_code == 403
    )
    # Their own event's URL does not reach a message about someone else's event.
    wrong = f"/beheer/activiteiten/{others_event.id}/mail/{message.id}/opnieuw"
    assert client.post(wrong).status_code == 404
    assert message_for(people["Anna"]).status == "failed"
