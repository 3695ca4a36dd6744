"""`flask --app wsgi worker`: the RQ worker for mail, certificate jobs and scheduled runs.

Flask-RQ's own `flask rq worker` starts a new Python process, and so a new app, for every
job: about a second each, so that the confirmation mails of a registration rush (one job per
request) went out at one a second (bench/registration_rush.py --delivery rq: 154 of 200
after five minutes). This worker runs the jobs in its own process and app context, as the
tests' SimpleWorker does; `--max-jobs` lets a supervisor start it afresh now and then."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import SimpleWorker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--with-scheduler", is_flag=True, help="Also run jobs scheduled for later.")
@click.option("--max-jobs", type=int, default=None, help="Stop after this many jobs.")
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool, max_jobs: int | None) -> None:
    """Run the jobs of REDIS_URL's queues in this process (mail, certificates, retention)."""
    if "rq" not in current_app.extensions:
        raise click.UsageError("Set REDIS_URL: the worker runs the jobs queued there.")
    queues = list(current_app.extensions["rq"].queues.values())
    worker = SimpleWorker(queues, connection=queues[0].connection, job_class=queues[0].job_class)
    worker.work(burst=burst, with_scheduler=with_scheduler, max_jobs=max_jobs)
