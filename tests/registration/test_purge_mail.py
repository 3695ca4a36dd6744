"""A purged registration takes all its mail along: a pending or failed message holds a name, an
address and a live link just as a sent one does, however recently it was queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_message
from app.registration.models import Participant, Registration
from app.registration.retention import purge_expired
from app.timezones import utcnow

RETENTION = timedelta(days=730)


@pytest.fixture
def app_config(base_config):
    # Queued mail stays in the outbox in the state the test gives it.
    return {**base_config, "MAIL_DELIVERY": "manual"}


@pytest.fixture
def make_mail(app):
    """make_mail(registration, status) -> a message to them queued now, then in `status`."""

    def make(registration: Registration, status: str) -> int:
        message = queue_message(
            kind="organiser_message", recipient=registration.participant.email,
            subject=f"Bericht ({status})", text_body="Tot ziens", html_body="<p>Tot ziens</p>",
            event_id=registration.event_id, registration_id=registration.id,
        )  # fmt: skip
        message.status = status
        db.session.commit()
        return message.id

    return make


def old_registration(event, email: str) -> Registration:
    """Registering for a past event is closed: the old registration gets its rows directly."""
    person = Participant(email=email, name=email.split("@")[0].title())
    registration = Registration(
        event=event, participant=person, status="confirmed", privacy_acknowledged_at=utcnow()
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def test_purging_removes_pending_failed_and_sent_mail_of_purged_registrations(
    make_event, register, make_mail
):
    old = make_event(starts_in=-(RETENTION + timedelta(days=30)))
    gone = old_registration(old, "oud@example.org")
    purged_mail = [make_mail(gone, status) for status in
                   (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.SENT)]  # fmt: skip
    kept = register(make_event(), "Anna")
    kept_mail = [make_mail(kept, OutboxStatus.PENDING), make_mail(kept, OutboxStatus.FAILED)]
    kept_mail += db.session.scalars(  # Anna's own confirmation, queued when she registered
        sa.select(OutboxMessage.id).where(
            OutboxMessage.registration_id == kept.id, OutboxMessage.id.not_in(kept_mail)
        )
    ).all()

    kept_mail.append(queue_message(  # a recent mail tied to no registration at all
        kind="account", recipient="organisator@example.org", subject="Welkom", text_body="Hallo",
        html_body="<p>Hallo</p>",
    ).id)  # fmt: skip
    db.session.commit()

    counts = purge_expired(RETENTION)
    db.session.commit()

    db.session.expire_all()
    left = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.registration_id)).all()
    assert sorted(mail_id for mail_id, _ in left) == sorted(kept_mail)
    assert {registration_id for _, registration_id in left} == {kept.id, None}
    assert counts["registrations"] == 1 and counts["mails"] == len(purged_mail)
    assert db.session.scalars(sa.select(Participant.email)).all() == ["anna@example.org"]
