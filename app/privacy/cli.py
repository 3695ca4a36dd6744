import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy import retention

privacy_cli = AppGroup("privacy", help="Keeping personal data no longer than promised.")


def _apply() -> None:
    counts = retention.apply_retention()
    db.session.commit()
    click.echo("anonymised " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@privacy_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Anonymise the personal data of events past their retention period, and the holder's data
    on certificates past theirs (cron: daily, `0 3 * * * flask --app wsgi privacy apply-retention`)."""
    _apply()


@privacy_cli.command("purge", hidden=True)
@click.option("--days", type=int, hidden=True)
def purge_command(days: int | None) -> None:
    """Replaced by apply-retention (kept so an old cron line keeps working)."""
    click.echo("`privacy purge` is replaced by `privacy apply-retention`: registrations are no "
               "longer deleted but anonymised, after each event's retention period (--days is ignored).")  # fmt: skip
    _apply()
