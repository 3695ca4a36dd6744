import click
from flask.cli import AppGroup

from app.mail import services

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many messages.")
def send_command(limit: int) -> None:
    """Deliver every message that is due (run it from cron, e.g. every minute)."""
    report = services.deliver_pending(limit)
    click.echo(
        f"sent {len(report.sent)}, to retry {len(report.retrying)}, failed {len(report.failed)}"
    )
