"""Registers every capability's CLI commands with the app (`flask --app wsgi --help`)."""

from flask import Flask


def register(app: Flask) -> None:
    from app.accounts.cli import create_user_command
    from app.demo import demo_data_command

    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
