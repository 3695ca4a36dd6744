"""The stamp's own connections to PostgreSQL (through libpq, app/pages/stamps.py): the same
stamps as through SQLAlchemy, and a database that drops them costs no visitor an error."""

import queue

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.pages import stamps


@pytest.fixture
def postgres(app):
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is read through SQLAlchemy")


def held(reader) -> list:
    connections = []
    while True:
        try:
            connections.append(reader.idle.get_nowait())
        except queue.Empty:
            break
    for connection in connections:
        reader.idle.put(connection)
    return connections


def test_the_stamps_are_those_read_through_sqlalchemy(postgres, app, make_event):
    event = make_event()
    through_libpq = (stamps.event_stamp(event.slug), stamps.listing_stamp())
    app.extensions["page_cache.reader"] = stamps._Reader(db.engine.url)
    try:
        assert (stamps.event_stamp(event.slug), stamps.listing_stamp()) == through_libpq
    finally:
        stamps.dispose()
    assert stamps.event_stamp("bestaat-niet") is None


def test_a_connection_the_database_dropped_is_replaced(postgres, app, make_event):
    event = make_event()
    before = stamps.event_stamp(event.slug)
    reader = stamps._reader()
    pids = [connection.pgconn.backend_pid for connection in held(reader)]
    assert pids
    db.session.execute(sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                       {"pids": pids})  # fmt: skip
    db.session.commit()
    assert stamps.event_stamp(event.slug) == before
    assert stamps.listing_stamp().startswith("p")
    assert {c.pgconn.backend_pid for c in held(reader)}.isdisjoint(pids)


def test_a_connection_that_lost_its_prepared_statements_is_replaced(postgres, app, make_event):
    """As after a pooler reset the server connection (DISCARD ALL) between two requests."""
    event = make_event()
    before = stamps.event_stamp(event.slug)
    reader = stamps._reader()
    connections = held(reader)
    for connection in connections:
        connection.pgconn.exec_(b"DEALLOCATE ALL")
    assert stamps.event_stamp(event.slug) == before
    assert all(connection.closed for connection in connections[:1])
