import time

import click
from flask.cli import AppGroup

from participation.core.mail import deliver_queue
from participation.core.settings_access import current_settings

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running and deliver new mail as it is queued.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between queue checks.")
def send(loop: bool, interval: float) -> None:
    """Deliver queued mail over SMTP (production, where MAIL_SERVER is set)."""
    if not current_settings().mail_server:
        raise click.ClickException("MAIL_SERVER is not set: mail is written to MAIL_OUTBOX_DIR directly.")
    while True:
        sent = deliver_queue()
        if sent:
            click.echo(f"sent {sent} message(s)")
        if not loop:
            return
        time.sleep(interval)
