"""Registers every capability's CLI commands with the app (`flask --app wsgi --help`)."""

from flask import Flask


def register(app: Flask) -> None:
    from app.accounts.cli import create_user_command
    from app.demo import demo_data_command
    from app.mail.cli import outbox_cli
    from app.pages.cli import pages_cli
    from app.privacy.cli import privacy_cli
    from app.registration.cli import reminders_cli
    from app.worker import worker_command

    for command in (create_user_command, demo_data_command, outbox_cli, reminders_cli, privacy_cli,
                    pages_cli, worker_command):  # fmt: skip
        app.cli.add_command(command)
