import click
from flask import current_app
from flask.cli import AppGroup

from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.notifications.mail import send_digests

notifications_cli = AppGroup("notifications", help="Notifications.")


@notifications_cli.command("digest")
def digest() -> None:
    """Mail the daily digest to everyone who chose it (run once a day from cron)."""
    with current_app.test_request_context(base_url=current_settings().base_url):
        sent = send_digests()
        db.session.commit()
    click.echo(f"digest mailed to {sent} person(s)")
