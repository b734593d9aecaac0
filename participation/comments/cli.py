import click
from flask.cli import AppGroup

from participation.comments.services import rerender_all

comments_cli = AppGroup("comments", help="Comments.")


@comments_cli.command("rerender")
def rerender() -> None:
    """Render every comment again, after the bleach policy in core/sanitize.py changed."""
    click.echo(f"rendered {rerender_all()} comment(s) again")
