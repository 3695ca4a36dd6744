"""One lock per transaction on the row that owns a capacity (pretix's discipline).

PostgreSQL: `SELECT … FOR UPDATE` on the row (or an `UPDATE … RETURNING` that changes it as it
takes the lock: `changing`). SQLite has no row locks: a no-op UPDATE of the
row takes the database's write lock — the same lock `BEGIN IMMEDIATE` takes — so that what is
counted next cannot change until the commit. Reads elsewhere keep the driver's usual behaviour."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.errors import StaleEdit
from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000


@sa_event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # writers queue up
    cursor.close()


class LockOrderError(RuntimeError):
    """A lock was asked for after the transaction had already changed something unflushed."""


def lock_row(model, row_id: int, *, fresh: bool = False, changing: dict | None = None):
    """Lock `model`'s row `row_id` for the rest of the transaction and return it, fresh from
    the database. Call it before changing anything in the transaction. `fresh`: also forget
    every object read before the lock — a decision under the lock must not rest on what an
    edit it waited for has changed since (the row lock refreshes only its own row).
    `changing`: columns set by the statement that takes the lock (on PostgreSQL an UPDATE …
    RETURNING in place of SELECT … FOR UPDATE — its row lock, FOR NO KEY UPDATE, excludes every
    other taker all the same — one round trip fewer while it is held); the columns that change
    on every update (`updated_at`) change with them, on both databases. Only for a lock this
    call takes: `holds` tells whether the transaction has it already."""
    session = db.session()  # the request's own Session, not the scoped proxy
    held = session.info.setdefault("locked_rows", set())
    if (model.__tablename__, row_id) in held:
        if changing:
            raise LockOrderError("changing= needs a lock this call takes; see holds()")
        return session.get(model, row_id)  # this transaction holds it already
    if session.new or session.dirty or session.deleted:
        raise LockOrderError("lock_row must come before the first change of a transaction")
    table = model.__table__
    changing = {table.c[name]: value for name, value in (changing or {}).items()}
    if session.get_bind().dialect.name == "sqlite":
        # Without `changing`, touch nothing: every column that would change on update is set
        # to itself.
        unchanged = {c: c for c in table.c if c.onupdate is not None or c.primary_key}
        session.execute(table.update().where(table.c.id == row_id).values(changing or unchanged))
    if fresh:
        session.expire_all()
    if changing and session.get_bind().dialect.name != "sqlite":
        query = sa.update(model).where(model.id == row_id).values(changing).returning(model)
        options = {"populate_existing": True, "synchronize_session": False}
        row = session.scalars(query, execution_options=options).one_or_none()
    else:
        query = sa.select(model).where(model.id == row_id).with_for_update()
        row = session.scalar(query.execution_options(populate_existing=True))
    held.add((model.__tablename__, row_id))
    return row


def holds(model, row_id: int) -> bool:
    """Whether this transaction holds `model`'s row `row_id` (took it with `lock_row`)."""
    return (model.__tablename__, row_id) in db.session().info.get("locked_rows", ())


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_locks(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: its locks are gone
        session.info.pop("locked_rows", None)


def ensure_current(row, seen_version: int | None) -> None:
    """Refuse an edit made on an older state of `row` than the one stored (optimistic
    concurrency). The row's `version_id_col` closes the gap between this check and the UPDATE:
    a concurrent write in between makes the flush fail with StaleDataError, also a 409."""
    if seen_version is not None and seen_version != row.version:
        raise StaleEdit()
