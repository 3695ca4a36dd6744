"""Retention every night from RQ: the next 03:00 in Amsterdam across the changes of summer time,
one chain however often it is scheduled, and a real worker on the real Redis that runs a due
run, anonymises, and schedules the next night's."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from rq import SimpleWorker

from app.extensions import db
from app.privacy import jobs, retention
from app.registration.models import Registration
from app.timezones import AMSTERDAM, utcnow

# Its own database: other tests flush theirs (13, 14) and may run at the same time.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
ROOT = Path(__file__).resolve().parents[2]


def amsterdam(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the next 03:00 in Amsterdam ---------------------------------------------------------------


@pytest.mark.parametrize(("after", "expected"), [
    (amsterdam(2026, 11, 26, 10, 0), utc(2026, 11, 27, 2, 0)),  # winter: 03:00 is 02:00 UTC
    (amsterdam(2026, 11, 26, 2, 59), utc(2026, 11, 26, 2, 0)),  # still today
    (amsterdam(2026, 11, 26, 3, 0), utc(2026, 11, 27, 2, 0)),  # strictly after: tomorrow
    (amsterdam(2026, 7, 1, 12, 0), utc(2026, 7, 2, 1, 0)),  # summer: 03:00 is 01:00 UTC
    (amsterdam(2026, 12, 31, 23, 30), utc(2027, 1, 1, 2, 0)),  # into the new year
    # Spring forward, Sunday 28 March 2027: 02:00 CET becomes 03:00 CEST.
    (amsterdam(2027, 3, 27, 12, 0), utc(2027, 3, 28, 1, 0)),
    (utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1, 0)),  # 01:30 CET: half an hour later
    # Fall back, Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 twice.
    (amsterdam(2026, 10, 24, 12, 0), utc(2026, 10, 25, 2, 0)),
    (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 0)),  # 02:30 CEST, the first time
    (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 0)),  # 02:30 CET, the second time
    (utc(2026, 10, 25, 2, 0), utc(2026, 10, 26, 2, 0)),
])  # fmt: skip
def test_the_next_run_is_the_next_three_oclock_in_amsterdam(after, expected):
    assert jobs.next_run(after) == expected
    assert jobs.next_run(after).tzinfo == UTC


def test_a_year_of_runs_is_at_three_every_night_whatever_the_offset():
    run, gaps = jobs.next_run(utc(2026, 1, 1)), set()
    for _ in range(800):
        following = jobs.next_run(run)
        local = following.astimezone(AMSTERDAM)
        assert (local.hour, local.minute) == (3, 0)
        gaps.add(following - run)
        run = following
    assert gaps == {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


def test_each_run_has_an_id_of_its_own_named_after_its_time():
    assert jobs.job_id(utc(2026, 11, 27, 2, 0)) == "privacy-apply-retention-20261127T0200Z"


# --- scheduling, on the real Redis -------------------------------------------------------------


@pytest.fixture
def redis_connection():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL} (.ci/run starts it)")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def app_config(base_config, redis_connection):
    return {**base_config, "REDIS_URL": REDIS_URL, "RQ_CONNECTION": REDIS_URL, "RQ_ASYNC": True}


@pytest.fixture
def queue(app):
    return app.extensions["rq"].queue


def test_schedule_puts_one_run_on_the_schedule_however_often_it_is_called(runner, queue):
    result = runner.invoke(args=["privacy", "schedule"])
    assert result.exit_code == 0, result.output
    run_at = jobs.next_run(utcnow())
    local = run_at.astimezone(AMSTERDAM)
    assert f"scheduled for {local:%Y-%m-%d} 03:00 (Europe/Amsterdam)" in result.output
    assert "--with-scheduler" in result.output
    assert jobs.scheduled() == [(jobs.job_id(run_at), run_at)]
    job = queue.fetch_job(jobs.job_id(run_at))
    assert job.func_name == "app.privacy.jobs.apply_retention_job" and job.args == (run_at,)

    assert runner.invoke(args=["privacy", "schedule"]).exit_code == 0
    jobs.schedule(now=utcnow() - timedelta(days=3))  # an old chain...
    jobs.schedule()  # ...is replaced, never kept beside
    assert jobs.scheduled() == [(jobs.job_id(run_at), run_at)]


def test_cancel_takes_the_run_off_the_schedule(runner, queue):
    jobs.schedule()
    result = runner.invoke(args=["privacy", "schedule", "--cancel"])
    assert result.exit_code == 0 and "cancelled 1 scheduled run" in result.output
    assert jobs.scheduled() == []
    assert queue.connection.keys("rq:job:privacy-apply-retention-*") == []


def past_event_with_anna(make_event, register) -> Registration:
    """Anna registered for an event that ended 13 months ago: past its retention period."""
    event = make_event()
    anna = register(event, "Anna de Vries")
    event.ends_at = utcnow() - timedelta(days=400)
    event.starts_at = event.ends_at - timedelta(hours=2)
    db.session.commit()
    return anna


def named(registration_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).name


def test_a_real_worker_runs_a_due_run_anonymises_and_schedules_the_next_night(
    app, make_event, register, database_url, smtp_server, queue
):
    anna = past_event_with_anna(make_event, register)
    due = jobs.schedule(now=utcnow() - timedelta(days=2))  # a run that was due yesterday
    assert due < utcnow() and jobs.scheduled() == [(jobs.job_id(due), due)]

    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url, "SECRET_KEY": "x",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port)}  # fmt: skip
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst", "--with-scheduler"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-2000:]

    assert named(anna.id) == ""  # anonymised by the worker's run
    ran = queue.fetch_job(jobs.job_id(due))
    assert ran.get_status() == "finished", worker.stderr[-2000:]
    assert ran.return_value()["registrations"] == 1
    following = jobs.next_run(utcnow())
    assert jobs.scheduled() == [(jobs.job_id(following), following)]
    # The next run's record survived the first one finishing (the reason for an id per run).
    assert queue.fetch_job(jobs.job_id(following)).get_status() == "scheduled"


def test_a_failed_run_still_schedules_the_next_night(app, queue, monkeypatch):
    def database_down(now=None):
        raise RuntimeError("database down")

    monkeypatch.setattr(retention, "apply_retention", database_down)
    due = jobs.schedule(now=utcnow() - timedelta(days=2))
    worker = SimpleWorker([queue], connection=queue.connection, job_class=queue.job_class)
    worker.work(burst=True, with_scheduler=True)  # in this process, in the test's app context

    assert queue.failed_job_registry.get_job_ids() == [jobs.job_id(due)]
    following = jobs.next_run(utcnow())
    assert jobs.scheduled() == [(jobs.job_id(following), following)]


def test_a_late_run_does_not_make_up_for_missed_nights(app, queue):
    jobs.apply_retention_job(run_at=utcnow() - timedelta(days=5))
    following = jobs.next_run(utcnow())
    assert jobs.scheduled() == [(jobs.job_id(following), following)]


def test_apply_retention_prints_its_counts(runner):
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0 and "anonymised 0 registrations, 0 participants" in result.output


def test_schedule_without_redis_points_to_cron(base_config):
    from app import create_app

    plain = create_app(dict(base_config))
    result = plain.test_cli_runner().invoke(args=["privacy", "schedule"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output and "from cron" in result.output
