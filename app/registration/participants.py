"""A person, known by e-mail address across events: found, or created once — also when two
registrations (for two events) create the same person at the same moment."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.inserts import as_object, insert_of
from app.registration.models import Participant


def participant_by_email(email: str, name: str) -> Participant:
    """The person with this address; created with `name` if new. An existing person's name is
    never changed here: anyone can type anyone's address into the form."""
    return participant_and_whether_new(email, name)[0]


def _new_person(insert) -> sa.Select:
    new = insert_of(Participant, ("email", "name"), insert)
    return as_object(Participant, new.on_conflict_do_nothing(index_elements=["email"]))


# Built once per dialect (app/inserts.py): every registration of a rush runs it.
_NEW_PERSON = {False: _new_person(sqlite_insert), True: _new_person(postgresql_insert)}


def participant_and_whether_new(email: str, name: str) -> tuple[Participant, bool]:
    """The person, and whether they were created just now (then no registration of theirs
    can exist yet)."""
    email = email.strip().lower()
    # Insert first: under a rush nearly everyone is new, and a new person is then one
    # statement. The insert that finds a row (someone known, or a person two registrations
    # create at once) does nothing, and that row is read: someone known pays one statement
    # more (and, on PostgreSQL, a sequence number).
    statement = _NEW_PERSON[db.session.get_bind().dialect.name == "postgresql"]
    created = db.session.scalars(statement, {"email": email, "name": name}).one_or_none()
    if created is not None:
        return created, True
    return db.session.scalars(sa.select(Participant).where(Participant.email == email)).one(), False
