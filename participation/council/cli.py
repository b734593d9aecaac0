"""`flask council ...`: the OParl importer for staff and cron.

    flask council import-oparl https://ratsinfo.example.de/oparl/system
    flask council import-oparl ./dump/                       # a directory of JSON files
    flask council import-oparl URL --rewrite https://a/oparl/=https://a/ris/oparl/

The first run of a body reads every list; later runs ask only for what changed since the last
complete run (`--full` reads everything again). The summary at the end counts the objects and
every repair the source needed.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from participation.core.settings_access import current_settings
from participation.extensions import db

council_cli = AppGroup("council", help="City council data: the OParl importer.")


def _progress(enabled: bool):
    def progress(label, total, items):
        return click.progressbar(
            items, length=total, label=label.ljust(28), show_pos=True, hidden=not enabled, file=sys.stderr
        )

    return progress


@council_cli.command("import-oparl")
@click.argument("source")
@click.option(
    "--full", is_flag=True, help="Read every list in full, not only what changed since the last run."
)
@click.option(
    "--rewrite",
    "rewrites",
    multiple=True,
    metavar="FROM=TO",
    help="Fetch ids starting with FROM at TO instead (ids stay as they are). Repeatable.",
)
@click.option("--only-host", "hosts", multiple=True, help="Ask no other host than this one. Repeatable.")
@click.option("--body", "bodies", multiple=True, help="Import only the body with this OParl id. Repeatable.")
@click.option(
    "--retries", default=3, show_default=True, help="Tries again after a 5xx or a dropped connection."
)
@click.option("--backoff", default=1.0, show_default=True, help="Seconds before the first retry; doubles.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--overlap", default=10, show_default=True, help="Minutes of overlap with the last run.")
@click.option("--no-progress", is_flag=True, help="No progress bars (for cron).")
def import_oparl_command(
    source, full, rewrites, hosts, bodies, retries, backoff, timeout, overlap, no_progress
):
    """Import the council data of an OParl 1.0 or 1.1 server, or of a directory of its JSON."""
    from participation.council.importer.client import (
        USER_AGENT,
        DirectoryTransport,
        HttpTransport,
        OParlClient,
        Rewrite,
    )
    from participation.council.importer.report import Report
    from participation.council.importer.run import ImportFailed, Options, run_import

    rules = []
    for rule in rewrites:
        if "=" not in rule:
            raise click.BadParameter(f"{rule!r} is not FROM=TO", param_hint="--rewrite")
        prefix, target = rule.split("=", 1)
        rules.append(Rewrite(prefix, target))
    path = Path(source)
    if path.is_dir():
        transport = DirectoryTransport(path)
        if transport.entry is None:
            raise click.ClickException(f"{source} has no system.json with an id")
        start = transport.entry
    else:
        user_agent = USER_AGENT.format(base_url=current_settings().base_url)
        transport = HttpTransport(
            user_agent=user_agent, timeout=(min(10.0, timeout), timeout), allowed_hosts=hosts
        )
        start = source
    report = Report()
    client = OParlClient(transport, report, rewrites=rules, retries=retries, backoff=backoff)
    options = Options(full=full, overlap=timedelta(minutes=overlap), bodies=tuple(bodies))
    try:
        result = run_import(
            db.session,
            client,
            start,
            source=str(source),
            options=options,
            progress=_progress(not no_progress),
        )
    except ImportFailed as error:
        db.session.rollback()
        for line in report.summary_lines():
            click.echo(line)
        raise click.ClickException(str(error)) from error
    finally:
        client.close()
    for body in result.bodies:
        how = f"changes since {body.since.isoformat(timespec='seconds')}" if body.since else "in full"
        state = "complete" if body.complete else "INCOMPLETE"
        click.echo(f"Body {body.oparl_id}: read {how}, {state}")
    for line in report.summary_lines():
        click.echo(line)


def register(app) -> None:
    from participation.council import import_models  # noqa: F401 - the table the importer keeps its state in

    app.cli.add_command(council_cli)
