"""A new registration's mail is queued with the decision and rendered after its commit: the
event's lock covers count, decide and insert only, and nothing is lost in between."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import deliver_pending
from app.registration import services as registration
from app.registration.services import RegistrationDetails


@pytest.fixture
def app_config(base_config):
    # Nothing is sent until `outbox send`: as if the process stopped right after the commit.
    return {**base_config, "MAIL_DELIVERY": "manual"}


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_decision_commits_the_row_without_its_text(app, make_event, register):
    event = make_event(capacity=10)
    seen_at_commit = []

    def before_commit(session):
        columns = (OutboxMessage.kind, OutboxMessage.composer, OutboxMessage.text_body)
        seen_at_commit.extend(tuple(row) for row in session.execute(sa.select(*columns)))

    sa_event.listen(Session, "before_commit", before_commit)
    try:
        register(event, "Anna")
    finally:
        sa_event.remove(Session, "before_commit", before_commit)
    # Inside the locked transaction: the promise, not the rendering.
    assert seen_at_commit == [("registration_confirmed", "registration.new", "")]
    [row] = outbox()
    assert (row.status, row.composer, row.text_body) == ("pending", "registration.new", "")


def test_the_sender_renders_stores_and_sends_it(app, mailbox, make_event, register):
    event = make_event(capacity=10, title="Wat nu?")
    register(event, "Anna")
    report = deliver_pending()
    assert len(report.sent) == 1
    [row] = outbox()
    assert row.status == OutboxStatus.SENT and row.composer == ""
    assert row.subject == "Aanmelding bevestigd: Wat nu?"
    assert "U bent aangemeld voor Wat nu?" in row.text_body and row.calendar  # what was sent
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == row.subject


def test_a_request_renders_its_mail_after_answering(app_config, app, client, mailbox, make_event):
    app.config["MAIL_DELIVERY"] = "immediate"
    event = make_event(capacity=10)
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 302
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"].startswith("Aanmelding bevestigd")
    [row] = outbox()
    assert row.status == OutboxStatus.SENT and row.text_body


def test_the_waiting_list_mail_tells_the_place_at_rendering(app, mailbox, make_event, register):
    event = make_event(capacity=1)
    anna = register(event, "Anna")
    register(event, "Bert")
    register(event, "Cor")  # third on the list… until Anna cancels
    registration.cancel(anna.id, by="participant")  # Bert moves up, Cor becomes first
    db.session.commit()
    deliver_pending()
    rows = {(r.recipient, r.kind): r for r in outbox()}
    assert rows["bert@example.org", "registration_waitlisted"].status == "superseded"
    assert rows["bert@example.org", "registration_promoted"].status == "sent"
    cor = rows["cor@example.org", "registration_waitlisted"]
    assert cor.status == "sent" and "plaats 1 van de wachtlijst" in cor.text_body
    assert {m["To"] for m in mailbox.wait_for(4)} == {"anna@example.org", "bert@example.org",
                                                      "cor@example.org"}  # fmt: skip


def test_a_rendering_that_fails_keeps_the_row_for_the_next_run(app, mailbox, make_event, register,
                                                               monkeypatch):  # fmt: skip
    from app.mail import composing

    event = make_event(capacity=10)
    register(event, "Anna")
    real = composing.COMPOSERS["registration.new"]
    monkeypatch.setitem(composing.COMPOSERS, "registration.new",
                        lambda message: 1 / 0)  # fmt: skip
    report = deliver_pending()
    assert report.retrying and not report.sent
    [row] = outbox()
    assert (row.status, row.composer) == ("pending", "registration.new")
    assert "ZeroDivisionError" in row.last_error
    monkeypatch.setitem(composing.COMPOSERS, "registration.new", real)
    row.next_attempt_at = row.created_at
    db.session.commit()
    assert len(deliver_pending().sent) == 1
    assert mailbox.wait_for(1)[0]["To"] == "anna@example.org"


def test_a_repeat_registration_still_gets_its_link_again(app, make_event):
    event = make_event(capacity=10)
    details = RegistrationDetails(name="Anna", email="anna@example.org")
    registration.register(event.id, details)
    db.session.commit()
    registration.register(event.id, details)
    db.session.commit()
    assert [r.kind for r in outbox()] == ["registration_confirmed", "manage_link"]
