"""Retention every night from RQ, when Redis is configured; without it, cron runs
`flask --app wsgi privacy apply-retention` (README, "Keeping data no longer than promised").

`flask --app wsgi privacy schedule` puts a run on RQ's schedule for the next 03:00 in Amsterdam;
each run schedules the next one and then applies retention. A worker started with
`--with-scheduler` moves a run onto the queue when it is due.

Each run has a job id of its own, named after its time. A fixed id would not do: the run in
progress and the next one would share one job record in Redis, and finishing the first (its
status, its result's expiry) would wipe out the second. Ids by time also keep it to one chain:
whatever schedules the next run (a run, or `schedule` again) schedules the same id and removes
any other scheduled run of ours."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from rq import Queue

from app.extensions import db
from app.privacy import retention
from app.timezones import AMSTERDAM, utcnow

log = logging.getLogger(__name__)

RUN_AT = time(3, 0)  # Amsterdam: after the day's mail and reminders, before anyone is at work
JOB_PREFIX = "privacy-apply-retention-"
JOB_TIMEOUT = 3600  # seconds; a first run on years of data can take a while


def available() -> bool:
    """Whether RQ is set up (REDIS_URL)."""
    return "rq" in current_app.extensions


def next_run(after: datetime) -> datetime:
    """The first RUN_AT in Amsterdam strictly after `after`, in UTC (23, 24 or 25 hours apart
    around the changes of summer time)."""
    day = after.astimezone(AMSTERDAM).date()
    for days in (0, 1):
        candidate = datetime.combine(day + timedelta(days=days), RUN_AT, tzinfo=AMSTERDAM)
        if candidate.astimezone(UTC) > after:
            return candidate.astimezone(UTC)
    raise AssertionError("unreachable: tomorrow's run is always after today")


def job_id(run_at: datetime) -> str:
    return JOB_PREFIX + run_at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def schedule(now: datetime | None = None) -> datetime:
    """Schedule the next nightly run (and only that one); return when it runs."""
    run_at = next_run(now or utcnow())
    _schedule_only(_queue(), run_at)
    return run_at


def cancel() -> int:
    """Take every scheduled run of ours off the schedule; return how many there were."""
    return _unschedule(_queue(), keep=None)


def scheduled() -> list[tuple[str, datetime]]:
    """(job id, when) of our scheduled runs, earliest first."""
    registry = _queue().scheduled_job_registry
    runs = [(i, registry.get_scheduled_time(i)) for i in registry.get_job_ids()
            if i.startswith(JOB_PREFIX)]  # fmt: skip
    return sorted(runs, key=lambda run: run[1])


def apply_retention_job(run_at: datetime | None = None) -> dict[str, int]:
    """One nightly run, in the app context that the RQ worker gives it. The next run is
    scheduled first, so a run that fails (the database down) is on RQ's failed list and the
    next night's run still comes. A run that starts late does not make up for the nights it
    missed: once is enough, retention catches up in one go."""
    now = utcnow()
    _schedule_only(_queue(), next_run(max(now, run_at) if run_at else now))
    counts = retention.apply_retention(now)
    db.session.commit()
    log.info("Retention applied: %s", counts)
    return counts


def _queue() -> Queue:
    return current_app.extensions["rq"].queue


def _schedule_only(queue: Queue, run_at: datetime) -> None:
    queue.enqueue_at(run_at, apply_retention_job, run_at, job_id=job_id(run_at),
                     job_timeout=JOB_TIMEOUT)  # fmt: skip
    _unschedule(queue, keep=job_id(run_at))


def _unschedule(queue: Queue, keep: str | None) -> int:
    registry = queue.scheduled_job_registry
    removed = 0
    for other in registry.get_job_ids():
        if other.startswith(JOB_PREFIX) and other != keep:
            registry.remove(other)
            job = queue.fetch_job(other)
            if job is not None:
                job.delete()
            removed += 1
    return removed
