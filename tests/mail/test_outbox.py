"""The outbox keeps mail when the SMTP server is down, and delivers each message exactly once
when it is back."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.mail import services as mail
from app.mail.models import OutboxMessage
from app.registration.models import Registration
from tests.conftest import Mailbox, free_port


@pytest.fixture
def down_port():
    return free_port()


@pytest.fixture
def app_config(base_config, down_port):
    return {**base_config, "MAIL_PORT": down_port}


def test_with_smtp_down_registrations_succeed_and_outbox_send_delivers_each_once(
    client, runner, make_event, down_port
):
    event = make_event(capacity=10)
    for i in range(20):
        response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                               data={"name": f"Deelnemer {i}", "email": f"d{i}@example.org", "privacy": "y"})  # fmt: skip
        assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 20
    pending = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(pending) == 20 and {m.status for m in pending} == {"pending"}
    assert all(m.attempts == 1 and "Connection" in m.last_error for m in pending)

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=down_port)
    controller.start()
    try:
        # Retries wait their back-off; make them due now, as time passing would.
        db.session.execute(
            sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at)
        )
        db.session.commit()
        result = runner.invoke(args=["outbox", "send"])
        assert "sent 20, to retry 0, failed 0" in result.output
        assert "sent 0" in runner.invoke(args=["outbox", "send"]).output
        received = mailbox.wait_for(20)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in received) == sorted(f"d{i}@example.org" for i in range(20))
    assert len(received) == 20
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(sa.select(OutboxMessage))} == {"sent"}


def test_failed_delivery_backs_off_and_gives_up_after_the_last_attempt(app, make_event, register):
    register(make_event(), "Anna")
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == "pending" and message.next_attempt_at > message.created_at
    assert mail.retry_delay(1) == timedelta(seconds=30)
    assert mail.retry_delay(5) == timedelta(minutes=8)
    assert mail.retry_delay(30) == timedelta(hours=6)
    for _ in range(mail.MAX_ATTEMPTS):
        db.session.execute(
            sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at)
        )
        db.session.commit()
        mail.deliver_pending()
    db.session.expire_all()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == "failed" and message.attempts == mail.MAX_ATTEMPTS
