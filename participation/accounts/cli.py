import click
from flask.cli import AppGroup
from sqlalchemy import select

from participation.accounts import services
from participation.accounts.forms import MIN_PASSWORD_LENGTH
from participation.accounts.models import User
from participation.core.access import Role
from participation.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.RESIDENT.value)
@click.option("--name", "display_name", help="Display name (default: the part before @).")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when not given."
)
def create_user(email: str, role: str, display_name: str | None, password: str) -> None:
    """Create a confirmed account with the given role."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        user = services.register(
            display_name or email.split("@")[0], email, password, locale=None, confirmed=True
        )
    except services.EmailTaken as error:
        raise click.ClickException(f"An account for {email} exists already.") from error
    if role != Role.RESIDENT.value:
        services.change_role(user, Role(role), changed_by=None)
    db.session.commit()
    click.echo(f"Created {user.email} with role {user.role}.")


@users_cli.command("list")
def list_users() -> None:
    """Print every account with its role."""
    for user in db.session.scalars(select(User).where(User.deleted_at.is_(None)).order_by(User.id)):
        click.echo(f"{user.id}\t{user.role}\t{user.email}\t{user.display_name}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="API", help="What the token is for, shown on the account page.")
def create_token(email: str, name: str) -> None:
    """Make a personal API token for an account and print it (it is shown only this once)."""
    from participation.accounts import api_tokens

    user = db.session.scalar(User.by_email(email))
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"There is no account for {email}.")
    _row, token = api_tokens.create(user, name)
    db.session.commit()
    click.echo(token)
