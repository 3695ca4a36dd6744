"""The event page, with its agenda, costs the same number of SQL queries for 10 sessions as
for 600 (more than the 500 a select-in load takes at once): everything is loaded in a fixed
number of queries, never one per session."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from app.agenda import services as agenda
from app.agenda import speakers
from app.agenda.models import AgendaChange, AgendaRelease
from app.extensions import db
from app.pages import stamps


@contextmanager
def counting_queries():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    # Every engine; and the page cache's stamp, which goes straight through the driver.
    readers = (stamps._Reader, stamps._PostgresReader)
    read_stamp = {reader: reader.row for reader in readers}

    def counted_stamp(reader, statement, values):
        statements.append(statement)
        return read_stamp[type(reader)](reader, statement, values)

    sa_event.listen(Engine, "before_cursor_execute", count)
    for reader in readers:
        reader.row = counted_stamp
    try:
        yield statements
    finally:
        sa_event.remove(Engine, "before_cursor_execute", count)
        for reader in readers:
            reader.row = read_stamp[reader]


def build(event, sessions: int):
    rooms = [agenda.add_room(event, {"name": f"Zaal {i}", "capacity": 30}) for i in range(10)]
    people = [speakers.save_speaker({"name": f"Spreker {i}"}) for i in range(10)]
    for i in range(sessions):
        start = event.starts_at + timedelta(minutes=20 * (i // 10))
        agenda.add_session(event, {"kind": "workshop", "title": f"Workshop {i}", "room_id": rooms[i % 10].id,
                                   "starts_at": start, "ends_at": start + timedelta(minutes=20)},
                           [people[i % 10]])  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize(
    "path", ["/activiteiten/{slug}", "/beheer/activiteiten/{id}/programma.json"]
)
def test_agenda_pages_use_a_constant_number_of_queries(client, auth, make_user, make_event, path):
    owner = make_user()
    small = make_event(owner=owner, kind="themadag", hours=8)
    large = make_event(owner=owner, kind="themadag", hours=8)
    build(small, 10)
    build(large, 600)
    auth.login(owner.email)
    counts = []
    for event in (small, large):
        url = path.format(slug=event.slug, id=event.id)
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert 5 < counts[0] == counts[1] < 40, counts
    assert "Workshop 599" in client.get(path.format(slug=large.slug, id=large.id)).get_data(
        as_text=True
    )


def test_a_visitor_sees_the_event_page_in_six_queries(client, make_user, make_event, register):
    """Rendering: the event, its themes and accreditations (one), sessions with rooms and
    speakers (one), changes with their releases (one), places per workshop and for the event
    (two), the form's questions (one). Releases with lines cost nothing more. Before it, the
    page's stamp (one, app/pages); from the cache, the stamp alone."""
    event = make_event(kind="themadag", hours=8)
    build(event, 40)
    opening = agenda.add_session(event, {"kind": "plenary", "title": "Opening",
                                         "starts_at": event.starts_at,
                                         "ends_at": event.starts_at + timedelta(minutes=30)})  # fmt: skip
    for number in (2, 3):  # two releases, each with its line
        release = AgendaRelease(event_id=event.id, number=number, note=f"Versie {number}")
        db.session.add(AgendaChange(event_id=event.id, session_id=opening.id, what="changed",
                                    after={"title": f"Opening {number}"}, release=release))  # fmt: skip
    db.session.commit()
    url = f"/activiteiten/{event.slug}"
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert response.headers["X-Page-Cache"] == "miss"
    assert len(statements) == 1 + 6, statements
    with counting_queries() as statements:
        again = client.get(url)
    assert again.headers["X-Page-Cache"] == "hit"
    assert len(statements) == 1, statements
    # A registration moves only the places: the stamp, then the places filled in again (the
    # event, its places, the sessions with their places: app/activity/places.py).
    register(event, "Anna")
    with counting_queries() as statements:
        filled = client.get(url)
    assert (filled.headers["X-Page-Cache"], filled.headers["X-Page-Slots"]) == ("hit", "filled")
    assert len(statements) == 4, statements
    page = response.get_data(as_text=True)
    assert page.index("Versie 3") < page.index("Versie 2")  # newest first, with their lines
