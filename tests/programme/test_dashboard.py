"""The organiser's dashboard: upcoming events first (soonest first) with places taken of the
capacity, the waiting list and check-ins; past events apart, the most recent first; all of it
in the same number of queries however many events there are."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event as sa_event

from app.attendance.models import CheckIn
from app.extensions import db


@contextmanager
def counting_queries():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def titles_in(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/beheer/activiteiten/\d+">([^<]+)</a></h3>', html)


def test_upcoming_first_soonest_first_and_past_apart_most_recent_first(
    client, auth, make_user, make_event
):
    owner = make_user()
    make_event(owner=owner, title="Later", starts_in=timedelta(days=30))
    make_event(owner=owner, title="Binnenkort", starts_in=timedelta(days=3))
    make_event(owner=owner, title="Concept", status="draft", starts_in=timedelta(days=10))
    make_event(owner=owner, title="Lang geleden", starts_in=timedelta(days=-60))
    make_event(owner=owner, title="Vorige week", starts_in=timedelta(days=-7))
    make_event(title="Van een ander", starts_in=timedelta(days=5))
    auth.login(owner.email)
    html = client.get("/beheer/activiteiten").get_data(as_text=True)
    upcoming, past = html.split("Voorbije activiteiten")
    assert titles_in(upcoming) == ["Binnenkort", "Concept", "Later"]
    assert titles_in(past) == ["Vorige week", "Lang geleden"]
    assert '<details class="past-events">' in html  # collapsed until opened


def test_each_event_shows_places_of_capacity_waiting_and_checked_in(
    client, auth, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner, title="Vol", capacity=2)
    anna, _bram, _cas = register(event, "Anna"), register(event, "Bram"), register(event, "Cas")
    db.session.add(CheckIn(registration_id=anna.id, method="list"))
    db.session.add(CheckIn(registration_id=anna.id, session_id=None, method="qr",
                           undone_at=event.starts_at))  # an undone one counts for nothing  # fmt: skip
    make_event(owner=owner, title="Open", capacity=None)
    db.session.commit()
    auth.login(owner.email)
    html = client.get("/beheer/activiteiten").get_data(as_text=True)
    full = html[html.index(">Vol<") : html.index(">Open<")]
    numbers = re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", full, re.S)
    shown = {label: " ".join(re.sub(r"<[^>]+>", " ", value).split()) for label, value in numbers}
    assert shown == {"Plaatsen": "2 / 2", "Wachtlijst": "1", "Ingecheckt": "1"}
    assert 'badge-full">Vol<' in full
    assert "geen maximum" in html[html.index(">Open<") :]


def test_the_dashboard_costs_the_same_queries_for_two_events_as_for_twelve(
    client, auth, make_user, make_event, register
):
    owner = make_user()
    auth.login(owner.email)

    def queries_with(n: int) -> int:
        while len(owner_events) < n:
            i = len(owner_events)
            event = make_event(owner=owner, starts_in=timedelta(days=i + 1), capacity=1)
            register(event, f"Deelnemer {i}")
            register(event, f"Wachtende {i}")
            if i % 2:  # half of them over by now
                event.starts_at -= timedelta(days=60)
                event.ends_at -= timedelta(days=60)
                db.session.commit()
            owner_events.append(event)
        with counting_queries() as statements:
            assert client.get("/beheer/activiteiten").status_code == 200
        return len(statements)

    owner_events: list = []
    assert queries_with(2) == queries_with(12)
