"""`demo-data` registers a realistic mix through the real rules, mails nobody, and adds nothing
the second time."""

from __future__ import annotations

import sqlalchemy as sa

from app import demo_registrations
from app.agenda.models import Session, SessionChoice
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme.models import Event
from app.registration.models import Registration
from app.registration.services import seats_left
from tests.conftest import row_count


def event(slug: str) -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def statuses(model, **where) -> dict[str, int]:
    query = sa.select(model.status, sa.func.count()).group_by(model.status)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return dict(db.session.execute(query).all())


def workshop(title: str) -> Session:
    return db.session.scalar(sa.select(Session).where(Session.title == title))


def test_the_themadag_has_three_dozen_people_full_workshops_and_one_cancelled(runner, mailbox):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    themadag = event(demo_registrations.THEMADAG)
    assert statuses(Registration, event_id=themadag.id) == {"confirmed": 36, "cancelled": 1}
    assert seats_left(themadag) > 200  # a visitor trying it out still gets a place

    for title in (demo_registrations.WONEN, demo_registrations.DIGITAAL):
        full = workshop(title)
        counts = statuses(SessionChoice, session_id=full.id)
        assert counts["confirmed"] == full.effective_capacity and counts["waitlisted"] >= 2, title
    assert (
        statuses(SessionChoice, session_id=workshop(demo_registrations.MAATJES).id)["confirmed"]
        < workshop(demo_registrations.MAATJES).effective_capacity
    )  # room left in the morning

    cancelled = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == themadag.id, Registration.status == "cancelled"
        )
    )
    assert cancelled.cancelled_by == "attendee"
    assert not db.session.scalar(  # gave up their workshops; the first waiting moved up
        sa.select(sa.func.count()).where(SessionChoice.registration_id == cancelled.id)
    )
    # Made-up people are told nothing: no mail in the outbox, none at a mail server.
    assert row_count(OutboxMessage) == 0 and mailbox.messages == []


def test_a_full_kenniscafe_has_a_waiting_list_and_another_a_handful(runner):
    runner.invoke(args=["demo-data"])
    full = event("kenniscafe-geldzorgen-bespreekbaar-maken")
    assert statuses(Registration, event_id=full.id) == {"confirmed": full.capacity, "waitlisted": 3}
    positions = db.session.scalars(
        sa.select(Registration.waitlist_position)
        .where(Registration.event_id == full.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_position)
    ).all()
    assert positions == [1, 2, 3]
    assert (
        4
        <= statuses(Registration, event_id=event("wat-gaat-er-goed-tussen-generaties").id)[
            "confirmed"
        ]
        <= 8
    )


def test_demo_people_give_what_people_really_give(runner):
    runner.invoke(args=["demo-data"])
    people = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event(demo_registrations.THEMADAG).id
        )
    ).all()
    assert all(r.organisation and r.function for r in people)
    assert any(r.register_numbers.get("SKJ") for r in people)
    assert any(r.register_numbers.get("Registerplein", "").startswith("4610") for r in people)
    assert any(r.dietary_needs for r in people) and any(r.language == "en" for r in people)


def test_demo_data_twice_registers_nobody_twice(runner):
    runner.invoke(args=["demo-data"])
    counts = [row_count(m) for m in (Registration, SessionChoice)]
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0, again.output
    assert "0 registrations" in again.output
    assert [row_count(m) for m in (Registration, SessionChoice)] == counts


def test_an_event_that_has_started_or_is_over_takes_nobody_new(runner, monkeypatch):
    past = "kenniscafe-mantelzorg-jonge-mantelzorgers"  # 45 days ago
    monkeypatch.setattr(
        demo_registrations, "plans", lambda: [demo_registrations.Plan(past, [0, 1, 2])]
    )
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert statuses(Registration, event_id=event(past).id) == {}
