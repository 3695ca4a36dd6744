"""Under gunicorn, as in production (4 worker processes on PostgreSQL, 16 threads on SQLite):
an organiser's message to 50 people answers while the SMTP server accepts nothing yet, and the
worker's background sender then delivers each message exactly once."""

import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from bench.rush import Visitor, serve
from tests.conftest import PASSWORD
from tests.mail.conftest import gated_config


@pytest.fixture
def app_config(base_config, gated_smtp):
    return gated_config(base_config, gated_smtp)


@pytest.fixture
def server(database_url, gated_smtp):
    postgres = database_url.startswith("postgresql")
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(gated_smtp.port),
           "MAIL_DELIVERY": "immediate", "MAIL_TIMEOUT": "30"}  # fmt: skip
    with serve(database_url, workers=4 if postgres else 1, threads=1 if postgres else 16,
               env=env) as url:  # fmt: skip
        yield url


def statuses() -> set[tuple[str, int]]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "organiser_message")
    return {(m.status, m.attempts) for m in db.session.scalars(query)}


def test_a_bulk_message_answers_at_once_and_each_mail_arrives_once(
    server, gated, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner, capacity=50)
    gated.gate.set()
    people = sorted(register(event, f"Deelnemer {i}").participant.email for i in range(50))
    gated.wait_for(50)
    gated.clear()
    gated.gate.clear()

    organiser = Visitor(server)
    token = organiser.form_token("/beheer/inloggen")
    login = {"email": owner.email, "password": PASSWORD, "csrf_token": token}
    assert organiser.request("/beheer/inloggen", login)[0] == 302
    page = f"/beheer/activiteiten/{event.id}/bericht"
    form = {"audience": "all", "subject": "Zaal gewijzigd", "body": "Zaal 2.",
            "csrf_token": organiser.form_token(page)}  # fmt: skip
    started = time.monotonic()
    status, _ = organiser.request(page, form)
    answered_in = time.monotonic() - started
    try:
        assert status == 302
        assert gated.messages == [], "the request waited for no SMTP server"
        assert answered_in < 10
        assert gated.held.wait(10), "the background sender is at work"
    finally:
        gated.gate.set()

    received = gated.wait_for(50, timeout=60)
    assert sorted(m["To"] for m in received) == people
    deadline = time.monotonic() + 30
    while statuses() != {("sent", 1)} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert statuses() == {("sent", 1)}
    assert len(gated.wait_for(51, timeout=1)) == 50
