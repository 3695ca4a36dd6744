"""Mail off the request path (MAIL_DELIVERY=immediate): a request delivers its own one message
itself; a bulk send is left to the in-process background sender, which delivers each message
once, over one SMTP connection, against a real SMTP server that holds every message until the
test lets it through."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail import services as mail
from app.mail.background import BackgroundSender
from app.mail.models import OutboxMessage
from tests.mail.conftest import gated_config


@pytest.fixture
def app_config(base_config, gated_smtp):
    return gated_config(base_config, gated_smtp)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def event_with_fifty(gated, make_user, make_event, register):
    owner = make_user()
    event = make_event(owner=owner, capacity=50)
    gated.gate.set()  # the confirmations (sent by the factory, outside any request) go through
    people = [register(event, f"Deelnemer {i}").participant.email for i in range(50)]
    gated.wait_for(50)
    gated.clear()
    gated.gate.clear()
    gated.connections = 0
    return owner, event, people


def test_a_message_to_fifty_people_leaves_the_request_before_any_smtp_and_arrives_once_each(
    client, auth, gated, settled, event_with_fifty
):
    owner, event, people = event_with_fifty
    auth.login(owner.email)
    pool = ThreadPoolExecutor(1)
    try:
        answer = pool.submit(client.post, f"/beheer/activiteiten/{event.id}/bericht",
                             data={"audience": "confirmed", "subject": "Zaal gewijzigd", "body": "Zaal 2."})  # fmt: skip
        # The SMTP server accepts nothing yet: a request that talked SMTP would hang here.
        response = answer.result(timeout=15)
        assert response.status_code == 302
        assert gated.messages == []
        sent = [m for m in outbox() if m.kind == "organiser_message"]
        assert len(sent) == 50 and "sent" not in {m.status for m in sent}
        assert gated.held.wait(10), "the background sender is talking to the SMTP server"
    finally:
        gated.gate.set()
        pool.shutdown(wait=False)

    settled()
    received = gated.wait_for(50)
    assert sorted(m["To"] for m in received) == sorted(people)  # each exactly once
    assert {m["Subject"] for m in received} == {"Zaal gewijzigd"}
    assert {(m.status, m.attempts) for m in outbox() if m.kind == "organiser_message"} == {
        ("sent", 1)
    }
    assert gated.connections == 1  # the whole batch over one SMTP connection


def test_a_registrations_own_confirmation_is_delivered_within_the_request(
    app, client, gated, make_event
):
    gated.gate.set()
    event = make_event(title="Kenniscafé")
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 302
    # Already there when the response is: no waiting, no background sender.
    assert [(m["To"], m["Subject"]) for m in gated.messages] == [
        ("anna@example.org", "Aanmelding bevestigd: Kenniscafé")
    ]
    assert [(m.status, m.attempts) for m in outbox()] == [("sent", 1)]
    assert "outbox_sender" not in app.extensions


def test_stopping_finishes_the_message_in_hand_and_leaves_the_rest_for_outbox_send(
    app, runner, gated, make_event, register
):
    app.config["MAIL_DELIVERY"] = "manual"  # queue three messages without sending them
    event = make_event()
    for name in ("Anna", "Bram", "Cas"):
        register(event, name)
    app.config["MAIL_DELIVERY"] = "immediate"
    ids = [m.id for m in outbox()]

    sender = BackgroundSender(app, mail.deliver)
    sender.submit(ids[:1])
    assert gated.held.wait(10)  # Anna's message is being sent
    sender.submit(ids[1:2]), sender.submit(ids[2:])  # waiting in the queue
    sender.stop(timeout=0.1)  # as at process exit: it cannot finish while the server holds it
    sender.submit(ids)  # a stopped sender takes nothing new
    gated.gate.set()
    assert sender.wait_until_idle(10)

    assert [(m.status, m.attempts) for m in outbox()] == [
        ("sent", 1),
        ("pending", 0),
        ("pending", 0),
    ]
    assert "sent 2, to retry 0, failed 0" in runner.invoke(args=["outbox", "send"]).output
    assert sorted(m["To"] for m in gated.wait_for(3)) == [
        "anna@example.org",
        "bram@example.org",
        "cas@example.org",
    ]


def test_an_idle_sender_ends_its_thread_and_starts_a_new_one_for_new_work(
    app, gated, make_event, register, monkeypatch
):
    from app.mail import background

    monkeypatch.setattr(background, "IDLE_SECONDS", 0.05)
    gated.gate.set()
    app.config["MAIL_DELIVERY"] = "manual"
    event = make_event()
    register(event, "Anna"), register(event, "Bram")
    app.config["MAIL_DELIVERY"] = "immediate"

    sender = BackgroundSender(app, mail.deliver)
    for message in outbox():
        sender.submit([message.id])
        assert sender.wait_until_idle(10)
        thread = sender._thread
        if thread is not None:
            thread.join(5)
        assert sender._thread is None  # no thread left waiting for work
    assert sorted(m["To"] for m in gated.wait_for(2)) == ["anna@example.org", "bram@example.org"]
    assert {m.status for m in outbox()} == {"sent"}
