"""A person is one row per address, also when two registrations (for two events) create them
at the same moment: the second insert finds the first's row and reads it, with no error."""

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from app.accounts.models import User
from app.activity import services as activity
from app.extensions import db
from app.locking import lock_row
from app.programme.models import Event
from app.registration import by_hand, participants
from app.registration.models import Participant, Registration
from app.registration.services import RegistrationDetails


def test_a_new_person_is_created_once_and_found_after(app):
    first, created = participants.participant_and_whether_new(" Anna@Example.org ", "Anna")
    assert created and first.email == "anna@example.org" and first.name == "Anna"
    db.session.commit()
    again, created = participants.participant_and_whether_new("anna@example.org", "Iemand anders")
    assert (again.id, again.name, created) == (first.id, "Anna", False)


def test_two_transactions_creating_one_person_at_once_share_the_row(app):
    """The second inserts while the first has inserted but not committed: its insert waits for
    the first transaction, finds the row, does nothing, and the row is read."""
    inserted, inserting, results, statements = threading.Event(), threading.Event(), {}, []

    def first() -> None:
        with app.app_context():
            results["first"] = participants.participant_and_whether_new("bram@example.org", "Bram")[
                1
            ]
            inserted.set()
            inserting.wait(10)
            time.sleep(0.3)  # the other's insert has been sent and waits for this commit
            db.session.commit()

    def second() -> None:
        inserted.wait(10)
        with app.app_context():

            def seen(_conn, _cursor, statement, *args) -> None:
                statements.append(statement)
                if statement.startswith("INSERT"):
                    inserting.set()

            sa_event.listen(db.session.connection(), "before_cursor_execute", seen)
            participant, created = participants.participant_and_whether_new(
                "bram@example.org", "Bram B."
            )
            results["second"] = (participant.id, participant.name, created)
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    row = db.session.scalars(sa.select(Participant)).one()
    assert results == {"first": True, "second": (row.id, "Bram", False)}
    assert any("ON CONFLICT" in statement for statement in statements), statements


@pytest.mark.parametrize("second", ["by_hand", "desk"])
def test_one_address_sent_twice_while_the_event_is_locked_registers_once(
    app, make_event, make_user, second
):
    """The person is found or made before the event's lock is taken (so the lock covers only
    the decision), in every kind of registration: one address sent through the form and, at
    the same moment, added by an organiser or at the desk, both queued behind a third
    transaction holding the lock, ends as one registration and one 'registered already' — no
    deadlock, no error. (One that took the lock first and then waited for the person the
    other was making, while that one waited for the lock, would deadlock.)"""
    event_id = make_event(capacity=10).id
    organiser_id = make_user().id
    db.session.commit()
    locked, outcomes, errors = threading.Event(), [], []

    def hold_the_lock() -> None:
        with app.app_context():
            lock_row(Event, event_id)
            locked.set()
            time.sleep(0.6)  # both are sent and wait: one for the lock, one for the person
            db.session.commit()

    def send(how: str) -> None:
        locked.wait(10)
        details = RegistrationDetails("Cas", "cas@example.org")
        with app.app_context():
            try:
                if how == "by_hand":
                    by = db.session.get(User, organiser_id)
                    outcome = by_hand.add_by_hand(event_id, details, [], by=by, tell=False)
                else:
                    at_desk = how == "desk"
                    outcome, _ = activity.register(event_id, details, [], at_desk=at_desk)
                outcomes.append(outcome.already_registered)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — the test reports it
                errors.append(repr(error))

    senders = [threading.Thread(target=send, args=(how,)) for how in ("form", second)]
    threads = [threading.Thread(target=hold_the_lock), *senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and sorted(outcomes) == [False, True]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Registration))
    assert count == 1
