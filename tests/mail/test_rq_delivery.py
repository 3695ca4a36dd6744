"""With REDIS_URL set, mail is handed to an RQ job and a real `flask rq worker` delivers it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parents[2]
FORM = {"name": "Anna", "email": "anna@example.org", "privacy": "y"}


def statuses() -> list[str]:
    db.session.expire_all()
    return [m.status for m in db.session.scalars(sa.select(OutboxMessage))]


@pytest.fixture
def redis_queue():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL} (.ci/run starts it)")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def app_config(base_config, redis_queue):
    return {**base_config, "REDIS_URL": REDIS_URL, "RQ_CONNECTION": REDIS_URL, "RQ_ASYNC": True,
            "MAIL_DELIVERY": "rq"}  # fmt: skip


def test_a_real_rq_worker_delivers_the_mail(client, mailbox, make_event, database_url, smtp_server):
    event = make_event()
    assert client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM).status_code == 302
    assert statuses() == ["pending"]  # queued as a job, not sent in the request
    assert mailbox.messages == []

    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url, "SECRET_KEY": "x",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port), "BASE_URL": "http://kennisagenda.test"}  # fmt: skip
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-2000:]
    [message] = mailbox.wait_for(1)
    assert message["To"] == "anna@example.org"
    assert statuses() == ["sent"]
