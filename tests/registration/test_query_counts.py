"""A registration through the form costs a fixed, small number of SQL statements: under a rush
every statement is paid once per person, most of them under the event's lock."""

import pytest

from app.extensions import db
from app.pages import stamps
from app.registration.models import Registration, RegistrationStatus
from tests.agenda.test_query_counts import build, counting_queries

FORM = {"name": "Anna de Vries", "privacy": "y"}


@pytest.fixture(autouse=True)
def _mail_left_in_the_outbox(app):
    # The outbox's run sends the mail (composed after the commit, outside the request).
    # (Set on the shared app, which the fixture restores afterwards: another configuration
    # would build a new app for this module.)
    app.config["MAIL_DELIVERY"] = "manual"


def _register(client, event, email: str) -> list[str]:
    url = f"/activiteiten/{event.slug}/aanmelden"  # outside the count: it may reload `event`
    with counting_queries() as statements:
        response = client.post(url, data={**FORM, "email": email})
    assert response.status_code == 302, response.get_data(as_text=True)
    return statements


def _lock_statements() -> int:
    # PostgreSQL: SELECT … FOR UPDATE; SQLite: a no-op UPDATE for the write lock, then the SELECT.
    return 2 if db.engine.dialect.name == "sqlite" else 1


def test_a_registration_takes_a_fixed_few_statements_with_a_place_or_on_the_waiting_list(
    client, make_event
):
    """Six on PostgreSQL: the form's stamp (the form itself is kept: app/activity/
    posted_form.py); the person; the lock, which moves the page's stamp in the same statement;
    one count of places and the waiting list; the registration; the mail's outbox row."""
    event = make_event(kind="themadag", capacity=2, hours=6)
    first = _register(client, event, "eerste@example.org")
    with_place = _register(client, event, "anna@example.org")
    waiting = _register(client, event, "bram@example.org")
    assert len(with_place) == len(waiting) == 5 + _lock_statements(), (with_place, waiting)
    assert with_place[0] == stamps.FORM and not any("FROM questions" in s for s in with_place)
    # The first post built the form: its event, agenda and questions.
    assert len(first) == len(with_place) + 3 and any("FROM questions" in s for s in first)
    statuses = sorted(r.status for r in Registration.query.filter_by(event_id=event.id))
    assert statuses == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED]


def test_someone_known_takes_two_statements_more(client, make_event):
    """Their insert finds them, they are read, and the event is searched for a registration
    of theirs (none)."""
    first, second = make_event(), make_event()
    _register(client, first, "anna@example.org")
    _register(client, second, "bram@example.org")  # the second event's form is kept from here
    assert len(_register(client, second, "anna@example.org")) == 7 + _lock_statements()


def test_the_posted_form_does_not_read_the_agendas_changes(client, make_event):
    """The form's page needs the rondes, not the changes the event page lists."""
    event = make_event(kind="themadag", hours=8)
    build(event, 20)
    statements = _register(client, event, "anna@example.org")
    assert any("FROM sessions" in s for s in statements), statements
    assert not any("agenda_changes" in s for s in statements), statements
