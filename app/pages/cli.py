"""`flask pages clear`: forget every cached public page."""

import click
from flask.cli import AppGroup

from app.pages import cache

pages_cli = AppGroup("pages", help="The cache of public pages.")


@pages_cli.command("clear")
def clear_command() -> None:
    """Forget every cached page: needed only after restoring a database backup (whose page
    counters go back in time); any other change shows on the next request by itself."""
    cache.clear()
    click.echo("cleared")
