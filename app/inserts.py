"""A new row written in one statement built once, and read back as an object of the session.

The ORM's own INSERT … RETURNING of an entity (or an add and a flush) goes through its bulk
bookkeeping each time: half as much again as this, on the statements a registration runs
under its event's lock. The row comes back through the ORM (`from_statement`), so it is an
ordinary persistent object, its relationships loading as usual; column defaults apply as in
any Core insert."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa


def insert_of(model, names: Iterable[str], insert=sa.insert):
    """An INSERT into `model`'s table of the columns `names`, each bound by its own name
    (`insert`: a dialect's own, for its ON CONFLICT)."""
    return insert(model.__table__).values({name: sa.bindparam(name) for name in names})


def as_object(model, statement) -> sa.Select:
    """`statement` returning every column of the row it writes, read as a `model`; run it
    with `db.session.scalars(it, values)`."""
    return sa.select(model).from_statement(statement.returning(*model.__table__.c))
