"""A new registration's mail is queued with the decision and rendered after its commit: the
event's lock covers count, decide and insert only, and nothing is lost in between."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.activity import services as activity
from app.agenda import notifications as agenda_notifications
from app.extensions import db
from app.mail import composing
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import deliver_pending
from app.programme.models import Event
from app.registration import notifications
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


def test_a_request_renders_and_sends_its_mail_once_its_transaction_is_done(
    app, client, mailbox, make_event
):
    """Not inside the locked transaction, but still in the request: Flask tears the request
    down (and so composes and sends) before the server writes the answer."""
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
    sent = deliver_pending().sent
    rows = {(r.recipient, r.kind): r for r in outbox()}
    assert rows["bert@example.org", "registration_waitlisted"].status == "superseded"
    assert rows["bert@example.org", "registration_promoted"].status == "sent"
    cor = rows["cor@example.org", "registration_waitlisted"]
    assert cor.status == "sent" and "plaats 1 van de wachtlijst" in cor.text_body
    assert len(sent) == sum(r.status == "sent" for r in rows.values())
    delivered = mailbox.wait_for(len(sent))
    assert len(delivered) == len(sent)  # the superseded one was never sent
    assert {m["To"] for m in delivered} == {"anna@example.org", "bert@example.org",
                                            "cor@example.org"}  # fmt: skip


def test_a_rendering_that_fails_keeps_the_row_for_the_next_run(app, mailbox, make_event, register,
                                                               monkeypatch):  # fmt: skip
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


def test_composing_moves_no_page_stamp_and_takes_no_event_lock(app, client, make_event, register):
    """The invitation counts the registration's own SEQUENCE when composed: a column no page
    shows, so the event's row (which decisions lock) is not written and its page stays."""
    event = make_event(capacity=10)
    url = f"/activiteiten/{event.slug}"
    register(event, "Anna")
    client.get(url)
    counters = sa.select(Event.page_version, Event.places_version).where(Event.id == event.id)
    before = db.session.execute(counters).one()
    assert len(deliver_pending().sent) == 1
    db.session.expire_all()
    assert db.session.execute(counters).one() == before
    served = client.get(url)
    assert (served.headers["X-Page-Cache"], served.headers["X-Page-Slots"]) == ("hit", "kept")


def test_a_mail_overtaken_by_the_events_cancellation_is_not_sent(app, mailbox, make_event,
                                                                 register):  # fmt: skip
    event = make_event(capacity=10)
    register(event, "Anna")
    activity.cancel_event(event)
    db.session.commit()
    deliver_pending()
    kinds = {r.kind: r.status for r in outbox()}
    assert kinds["registration_confirmed"] == "superseded"
    assert kinds["event_cancelled"] == "sent"


def test_registering_again_after_cancelling_sends_one_confirmation(app, make_event, register):
    event = make_event(capacity=10)
    anna = register(event, "Anna")
    registration.cancel(anna.id, by="participant")
    db.session.commit()
    register(event, "Anna")
    deliver_pending()
    rows = [(r.kind, r.status) for r in outbox() if r.kind == "registration_confirmed"]
    assert rows == [("registration_confirmed", "superseded"), ("registration_confirmed", "sent")]


def test_every_composer_named_is_registered(app):
    assert set(composing.COMPOSERS) == {notifications.REGISTERED, agenda_notifications.RELEASED}
