"""100 people choose the same workshop (20 places) at the same moment, against a real server:
gunicorn with 4 workers on PostgreSQL, a threaded gunicorn on SQLite."""

import sqlalchemy as sa

from app.agenda.models import SessionChoice
from app.extensions import db
from bench.rush import Visitor, rush


def test_rush_on_a_workshop_fills_exactly_its_places(themadag, real_server):
    event, s, _owner = themadag(capacity_wonen=20)
    page = f"/activiteiten/{event.slug}"
    posts = [(page + "/aanmelden", {"name": f"Deelnemer {i}", "email": f"w{i}@example.org", "privacy": "y",
              "ronde_1": str(s["wonen"].id)}) for i in range(100)]  # fmt: skip
    with real_server("manual") as url:
        results = rush([Visitor(url) for _ in posts], [page] * len(posts), posts)

    assert [status for status, _ in results].count(302) == 100, sorted({s for s, _ in results})
    db.session.expire_all()
    rows = db.session.execute(sa.select(SessionChoice.status, SessionChoice.position)
                              .where(SessionChoice.session_id == s["wonen"].id)).all()  # fmt: skip
    assert sum(1 for status, _ in rows if status == "confirmed") == 20
    assert sorted(p for status, p in rows if status == "waitlisted") == list(range(1, 81))
