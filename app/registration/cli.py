import click
from flask.cli import AppGroup

from app.extensions import db
from app.registration import messages

reminders_cli = AppGroup("reminders", help="Reminders to registrants.")


@reminders_cli.command("send")
def send_command() -> None:
    """Remind everyone with a place at an event that starts within two days (each once)."""
    count = messages.send_reminders()
    db.session.commit()
    click.echo(f"queued {count} reminders")
