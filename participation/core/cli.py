import logging
import time

import click
from flask.cli import AppGroup

from participation.core import jobs
from participation.core.mail import deliver_queue
from participation.core.settings_access import current_settings

mail_cli = AppGroup("mail", help="Outgoing mail.")
jobs_cli = AppGroup("jobs", help="Background jobs: notifications and mail delivery.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running and deliver new mail as it is queued.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between queue checks.")
def send(loop: bool, interval: float) -> None:
    """Deliver queued mail over SMTP (production, where MAIL_SERVER is set).

    Each mail is also delivered by a job right after it is queued; this catches up on whatever
    is left (a job that gave up, a worker that was down)."""
    if not current_settings().mail_server:
        raise click.ClickException("MAIL_SERVER is not set: mail is written to MAIL_OUTBOX_DIR directly.")
    while True:
        sent = deliver_queue()
        if sent:
            click.echo(f"sent {sent} message(s)")
        if not loop:
            return
        time.sleep(interval)


def _queue() -> jobs.Jobs:
    queue = jobs.current()
    if queue.mode == "immediate":
        raise click.ClickException("JOBS_MODE=immediate runs every job right after its commit: no queue.")
    return queue


@jobs_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Threads that run jobs [default: JOBS_WORKERS].")
def worker(workers: int | None) -> None:
    """Run queued jobs, and the scheduled ones on their schedule, until stopped (SIGTERM lets
    running jobs finish). Run it next to gunicorn."""
    queue = _queue()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue.run_worker(workers)


@jobs_cli.command("run")
def run() -> None:
    """Run the jobs queued now and the retries that are due, then stop."""
    click.echo(f"ran {_queue().run_pending()} job(s)")
