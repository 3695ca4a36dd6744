"""An event with its agenda costs the same number of SQL queries for 10 sessions as for 200."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event as sa_event

from app.agenda import services as agenda
from app.agenda import speakers
from app.extensions import db


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def build(event, sessions: int) -> None:
    rooms = [agenda.add_room(event, {"name": f"Zaal {i}", "capacity": 30}) for i in range(10)]
    people = [
        speakers.save_speaker({"name": f"Spreker {i}", "email": f"s{i}@x.example"})
        for i in range(10)
    ]
    for i in range(sessions):
        start = event.starts_at + timedelta(minutes=20 * (i // 10))
        agenda.add_session(event, {"kind": "workshop", "title": f"Workshop {i}", "room_id": rooms[i % 10].id,
                                   "starts_at": start, "ends_at": start + timedelta(minutes=20)},
                           [people[i % 10]])  # fmt: skip
    db.session.commit()


def test_an_event_with_its_agenda_takes_a_constant_number_of_queries(client, make_user, make_event):
    owner = make_user()
    small, large = (make_event(owner=owner, kind="themadag", hours=8) for _ in range(2))
    build(small, 10)
    build(large, 200)
    counts = []
    for event in (small, large):
        with counting_queries() as statements:
            response = client.get(f"/api/v1/events/{event.slug}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] < 15, counts
    assert len(client.get(f"/api/v1/events/{large.slug}").json["sessions"]) == 200
