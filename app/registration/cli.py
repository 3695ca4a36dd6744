import click
from flask.cli import AppGroup

from app.extensions import db
from app.registration import messages, retention

reminders_cli = AppGroup("reminders", help="Reminders to registrants.")


@reminders_cli.command("send")
def send_command() -> None:
    """Remind everyone with a place at an event that starts within two days (each once)."""
    count = messages.send_reminders()
    db.session.commit()
    click.echo(f"queued {count} reminders")


privacy_cli = AppGroup("privacy", help="Keeping personal data no longer than promised.")


@privacy_cli.command("purge")
@click.option(
    "--days", default=730, show_default=True, help="Keep registrations this long after the event."
)
def purge_command(days: int) -> None:
    """Delete registrations of events that ended more than DAYS ago (cron: daily)."""
    from datetime import timedelta

    counts = retention.purge_expired(timedelta(days=days))
    db.session.commit()
    click.echo("deleted " + ", ".join(f"{n} {what}" for what, n in counts.items()))
