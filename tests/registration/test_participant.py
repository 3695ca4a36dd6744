"""A person is one row per address, also when two registrations (for two events) create them
at the same moment: the second insert finds the first's row and reads it, with no error."""

import threading
import time

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from app.extensions import db
from app.registration import participants
from app.registration.models import Participant


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
