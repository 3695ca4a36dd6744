"""The stamp's own connections to PostgreSQL (through libpq, app/pages/stamps.py): the same
stamps as through SQLAlchemy, and a database that drops them or their prepared statements
costs no visitor an error."""

import queue
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.pages import stamps


@pytest.fixture
def reader(app):
    url = db.engine.url
    if (url.get_backend_name(), url.get_driver_name()) != ("postgresql", "psycopg"):
        pytest.skip("PostgreSQL through psycopg only: the rest is read through SQLAlchemy")
    reader = stamps._reader()
    kept = [reader._connection() for _ in range(2)]  # as two threads leave them
    for connection in kept:
        reader.idle.put(connection)
    return reader


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


def test_the_stamps_are_those_read_through_sqlalchemy(reader, app, make_event):
    event = make_event()
    through_libpq = (stamps.event_stamp(event.slug), stamps.listing_stamp())
    stamps.dispose()
    app.extensions["page_cache.reader"] = stamps._Reader(db.engine.url)
    try:
        assert (stamps.event_stamp(event.slug), stamps.listing_stamp()) == through_libpq
    finally:
        stamps.dispose()
    assert stamps.event_stamp("bestaat-niet") is None


def test_connections_the_database_dropped_are_all_replaced(reader, make_event):
    event = make_event()
    before = stamps.event_stamp(event.slug)
    pids = [connection.pgconn.backend_pid for connection in held(reader)]
    assert len(pids) == 2
    db.session.execute(sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                       {"pids": pids})  # fmt: skip
    db.session.commit()
    assert stamps.event_stamp(event.slug) == before  # both dead: the second try is on a new one
    assert stamps.listing_stamp()[0].startswith("p")
    now_held = {connection.pgconn.backend_pid for connection in held(reader)}
    assert now_held and now_held.isdisjoint(pids)


def test_connections_that_lost_their_prepared_statements_are_replaced(reader, make_event):
    """As after a pooler reset its server connections (DISCARD ALL) between two requests."""
    event = make_event()
    before = stamps.event_stamp(event.slug)
    old = held(reader)
    assert old
    for connection in old:
        connection.pgconn.exec_(b"DEALLOCATE ALL")
    assert stamps.event_stamp(event.slug) == before
    assert all(connection.closed for connection in old)
    assert held(reader)


def test_a_moment_without_its_time_zone_is_refused(reader, make_event):
    event = make_event()
    with pytest.raises(ValueError):
        stamps.event_stamp(event.slug, now=datetime(2026, 11, 26, 10, 0))
