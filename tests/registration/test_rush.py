"""200 people register at once for 50 places, against a real server: gunicorn with 4 worker
processes on PostgreSQL, a threaded gunicorn on SQLite. Then 30 cancel at once."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.registration.models import Registration
from bench.rush import Visitor, rush

pytestmark = pytest.mark.sweep  # long: run first (tests/conftest.py)


@pytest.fixture
def server(real_server):
    with real_server("immediate") as url:
        yield url


def snapshot() -> dict[str, list]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Registration.status, Registration.waitlist_position, Registration.participant_id)
    ).all()
    return {
        "confirmed": [r.participant_id for r in rows if r.status == "confirmed"],
        "positions": sorted(r.waitlist_position for r in rows if r.status == "waitlisted"),
        "waiting_by_position": [
            r.participant_id
            for r in sorted(
                (r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_position
            )
        ],  # fmt: skip
    }


def test_rush_fills_exactly_the_places_and_cancellations_promote_exactly_the_first(
    server, make_event, mailbox
):
    event = make_event(capacity=50)
    people = [f"rush{i:03d}@example.org" for i in range(200)]
    visitors = [Visitor(server) for _ in people]
    page = f"/activiteiten/{event.slug}"
    posts = [(page + "/aanmelden", {"name": f"Deelnemer {i}", "email": email, "privacy": "y"})
             for i, email in enumerate(people)]  # fmt: skip

    results = rush(visitors, [page] * 200, posts)

    assert [status for status, _ in results].count(302) == 200, sorted({s for s, _ in results})
    state = snapshot()
    assert len(state["confirmed"]) == 50
    assert state["positions"] == list(range(1, 151))

    mail = mailbox.wait_for(200, timeout=60)
    assert len(mail) == 200
    links = {}
    for message in mail:
        if message["Subject"].startswith("Aanmelding bevestigd"):
            text = message.get_body(preferencelist=("plain",)).get_content()
            links[message["To"]] = re.search(r"https?://[^/\s]+(/aanmelding/[\w-]+)", text).group(1)
    assert len(links) == 50

    first_thirty_waiting = state["waiting_by_position"][:30]
    leaving = sorted(links)[:30]
    mailbox.clear()
    results = rush(
        [Visitor(server) for _ in leaving],
        [links[email] + "/afmelden" for email in leaving],
        [(links[email] + "/afmelden", {}) for email in leaving],
    )

    assert [status for status, _ in results].count(302) == 30, sorted({s for s, _ in results})
    after = snapshot()
    assert len(after["confirmed"]) == 50
    assert set(first_thirty_waiting) <= set(after["confirmed"])
    assert after["positions"] == list(range(1, 121))
    mail = mailbox.wait_for(60, timeout=60)
    promoted = [m["To"] for m in mail if m["Subject"].startswith("Er is een plaats")]
    cancelled = [m["To"] for m in mail if m["Subject"].startswith("Afmelding")]
    assert len(promoted) == len(set(promoted)) == 30  # each promoted person exactly one mail
    assert sorted(cancelled) == leaving
