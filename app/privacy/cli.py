import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy import jobs, retention
from app.timezones import to_local

privacy_cli = AppGroup("privacy", help="Keeping personal data no longer than promised.")


def _apply() -> None:
    counts = retention.apply_retention()
    db.session.commit()
    click.echo("anonymised " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@privacy_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Anonymise the personal data of events past their retention period, and the holder's data
    on certificates past theirs (cron: daily, `0 3 * * * flask --app wsgi privacy apply-retention`;
    with Redis, `privacy schedule` instead)."""
    _apply()


@privacy_cli.command("schedule")
@click.option("--cancel", is_flag=True, help="Take the nightly run off RQ's schedule.")
def schedule_command(cancel: bool) -> None:
    """With REDIS_URL: apply retention every night at 03:00 (Amsterdam) from RQ, by a worker
    started with `flask --app wsgi rq worker --with-scheduler`. Safe to run again (at every
    deploy): there is only ever one nightly run on the schedule."""
    if not jobs.available():
        raise click.ClickException(
            "REDIS_URL is not set, so there is no RQ to schedule on: run "
            "`flask --app wsgi privacy apply-retention` daily from cron instead."
        )
    if cancel:
        click.echo(f"cancelled {jobs.cancel()} scheduled run(s) of apply-retention")
        return
    run_at = jobs.schedule()
    click.echo(
        f"apply-retention scheduled for {to_local(run_at):%Y-%m-%d %H:%M} (Europe/Amsterdam), "
        "then every night; the RQ worker must run with --with-scheduler"
    )


@privacy_cli.command("purge", hidden=True)
@click.option("--days", type=int, hidden=True)
def purge_command(days: int | None) -> None:
    """Replaced by apply-retention (kept so an old cron line keeps working)."""
    click.echo("`privacy purge` is replaced by `privacy apply-retention`: registrations are no "
               "longer deleted but anonymised, after each event's retention period (--days is ignored).")  # fmt: skip
    _apply()
