"""The background sender with the SMTP server down: the request still answers, no message is
lost, and `flask outbox send` delivers each of them once the server is back."""

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.mail.models import OutboxMessage
from tests.conftest import Mailbox, free_port


@pytest.fixture
def down_port():
    return free_port()


@pytest.fixture
def app_config(base_config, down_port):
    return {**base_config, "MAIL_PORT": down_port}


def test_nothing_is_lost_and_outbox_send_delivers_later(
    client, auth, runner, settled, make_user, make_event, register, down_port
):
    owner = make_user()
    event = make_event(owner=owner, capacity=20)
    people = sorted(register(event, f"Deelnemer {i}").participant.email for i in range(20))
    db.session.execute(sa.delete(OutboxMessage))  # their confirmations are not the point here
    db.session.commit()

    auth.login(owner.email)
    response = client.post(f"/beheer/activiteiten/{event.id}/bericht",
                           data={"audience": "all", "subject": "Nieuws", "body": "Meer volgt."})  # fmt: skip
    assert response.status_code == 302
    settled()
    kept = db.session.scalars(sa.select(OutboxMessage)).all()
    assert sorted(m.recipient for m in kept) == people
    assert {(m.status, m.attempts) for m in kept} == {("pending", 1)}
    assert all("Connection" in m.last_error for m in kept)

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=down_port)
    controller.start()
    try:
        # Retries wait their back-off; make them due now, as time passing would.
        db.session.execute(
            sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at)
        )
        db.session.commit()
        assert "sent 20, to retry 0, failed 0" in runner.invoke(args=["outbox", "send"]).output
        received = mailbox.wait_for(20)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in received) == people
