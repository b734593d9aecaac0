"""`flask petitions ...`, and the same work as scheduled jobs (core/jobs.py).

Petitions close on time because `close_due` runs every minute; signatures are anonymised
once a day. Both are idempotent, so a run that another process already did changes nothing.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participation.core import jobs
from participation.extensions import db
from participation.petitions import anonymize, services

petitions_cli = AppGroup("petitions", help="Petitions: closing on time, anonymising signatures.")


@petitions_cli.command("close-due")
def close_due_command() -> None:
    """Close the open petitions whose deadline has passed."""
    closed = services.close_due()
    db.session.commit()
    click.echo(f"closed {len(closed)} petition(s)")


@petitions_cli.command("anonymize")
def anonymize_command() -> None:
    """Erase names, addresses and IP hashes of petitions over for long enough."""
    done = anonymize.anonymize_due()
    db.session.commit()
    click.echo(f"anonymised the signatures of {len(done)} petition(s)")


def register(app) -> None:
    app.cli.add_command(petitions_cli)
    jobs.schedule(app, "petitions.close_due", services.close_due, minute="*")
    jobs.schedule(app, "petitions.anonymize", anonymize.anonymize_due, minute="17", hour="3")
