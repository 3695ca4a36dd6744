import click
from flask.cli import with_appcontext

from app.accounts import services
from app.accounts.models import Role
from app.errors import DomainError
from app.extensions import db


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ORGANISER.value)
@click.option("--name", default="", help="Full name; defaults to the part before the @.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create an organiser account (asks for the password)."""
    try:
        user = services.create_user(email, name or email.split("@")[0], role, password)
    except DomainError as error:
        raise click.ClickException(str(error.description)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
