"""A person, known by e-mail address across events: found, or created once — also when two
registrations (for two events) create the same person at the same moment."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.registration.models import Participant


def participant_by_email(email: str, name: str) -> Participant:
    """The person with this address; created with `name` if new. An existing person's name is
    never changed here: anyone can type anyone's address into the form."""
    return participant_and_whether_new(email, name)[0]


def participant_and_whether_new(email: str, name: str) -> tuple[Participant, bool]:
    """The person, and whether they were created just now (then no registration of theirs
    can exist yet)."""
    email = email.strip().lower()
    by_address = sa.select(Participant).where(Participant.email == email)
    participant = db.session.scalar(by_address)
    if participant is not None:
        return participant, False
    # Two registrations (for two events) may create the same person at once: the insert that
    # finds the other's row does nothing and the other's is read — one statement, where a
    # savepoint around a plain insert took three.
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(Participant)
    created = db.session.scalar(
        insert.values(email=email, name=name)
        .on_conflict_do_nothing(index_elements=[Participant.email])
        .returning(Participant)
    )
    if created is not None:
        return created, True
    return db.session.scalars(by_address).one(), False
