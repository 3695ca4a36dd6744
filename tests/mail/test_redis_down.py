"""With Redis unreachable, registering still works and no mail is lost: it waits in the
outbox for `flask outbox send`."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from tests.conftest import free_port


@pytest.fixture
def app_config(base_config):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    return {**base_config, "REDIS_URL": dead, "RQ_CONNECTION": dead, "MAIL_DELIVERY": "rq"}


def test_registration_succeeds_and_outbox_send_delivers_later(client, runner, mailbox, make_event):
    event = make_event()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 302
    assert [m.status for m in db.session.scalars(sa.select(OutboxMessage))] == ["pending"]
    assert "sent 1" in runner.invoke(args=["outbox", "send"]).output
    assert [m["To"] for m in mailbox.wait_for(1)] == ["anna@example.org"]
