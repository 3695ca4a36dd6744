"""A person is one row per address, also when two registrations (for two events) create them
at the same moment: the second insert finds the first's row and reads it, with no error."""

import threading
import time

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from app.extensions import db
from app.registration import services
from app.registration.models import Participant


def test_a_new_person_is_created_once_and_found_after(app):
    first, created = services._participant(" Anna@Example.org ", "Anna")
    assert created and first.email == "anna@example.org" and first.name == "Anna"
    db.session.commit()
    again, created = services._participant("anna@example.org", "Iemand anders")
    assert (again.id, again.name, created) == (first.id, "Anna", False)


def test_two_transactions_creating_one_person_at_once_share_the_row(app):
    inserted, results, statements = threading.Event(), {}, []

    def first() -> None:
        with app.app_context():
            results["first"] = services._participant("bram@example.org", "Bram")[1]
            inserted.set()
            time.sleep(0.5)  # the other is now waiting for this transaction
            db.session.commit()

    def second() -> None:
        inserted.wait(10)
        with app.app_context():
            connection = db.session.connection()
            sa_event.listen(connection, "before_cursor_execute",
                            lambda *args: statements.append(args[2]))  # fmt: skip
            participant, created = services._participant("bram@example.org", "Bram B.")
            results["second"] = (participant.id, participant.name, created)
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    row = db.session.scalars(sa.select(Participant)).one()
    assert results == {"first": True, "second": (row.id, "Bram", False)}
    if db.engine.dialect.name == "postgresql":
        # It looked before the first committed, so its insert met the first's row.
        assert any("ON CONFLICT" in statement for statement in statements), statements
