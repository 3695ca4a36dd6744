from datetime import timedelta

import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda.models import SessionChoice
from app.calendar.models import FeedToken
from app.calendar.tokens import issue_feed_token
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration.models import ManageToken, Participant, Registration
from app.registration.tokens import issue_manage_token
from app.timezones import utcnow


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_registrations_are_deleted_two_years_after_their_event(
    runner, make_event, register, mailbox
):
    old = make_event(starts_in=timedelta(days=-800))
    recent = make_event(starts_in=timedelta(days=10))
    register(recent, "Anna")  # also registered for an event still within the period: Anna stays
    db.session.execute(sa.update(OutboxMessage).values(created_at=utcnow() - timedelta(days=800)))
    db.session.commit()
    # Registering for a past event is closed, so the old one gets its rows directly.
    from app.registration.models import Participant as P

    anna = db.session.scalar(sa.select(P).where(P.email == "anna@example.org"))
    bram = P(email="bram@example.org", name="Bram")
    db.session.add(bram)
    for person in (anna, bram):
        registration = Registration(
            event=old, participant=person, status="confirmed", privacy_acknowledged_at=utcnow()
        )
        db.session.add(registration)
        issue_manage_token(registration)
    issue_feed_token(bram)
    db.session.commit()
    session = agenda.add_session(
        old, {"kind": "workshop", "title": "W", "starts_at": old.starts_at, "ends_at": old.ends_at}
    )
    db.session.add(SessionChoice(registration=registration, session=session, status="confirmed"))
    db.session.commit()
    assert count(SessionChoice) == 1 and count(ManageToken) == 3
    assert count(FeedToken) == 2  # Anna's (from her confirmation) and Bram's
    assert count(Registration) == 3

    result = runner.invoke(args=["privacy", "purge"])
    assert "deleted 2 registrations, 1 participants" in result.output
    assert [r.event_id for r in db.session.scalars(sa.select(Registration))] == [recent.id]
    assert [p.email for p in db.session.scalars(sa.select(Participant))] == ["anna@example.org"]
    assert count(OutboxMessage) == 0  # the sent confirmation was older than two years
    assert count(ManageToken) == 1 and count(SessionChoice) == 0
    assert [t.participant_id for t in db.session.scalars(sa.select(FeedToken))] == [anna.id]
