"""OParl imports started on the staff page (staff_views.staff_import), run as background jobs.

`request_import` writes a CouncilImportRun (queued), audits the start and emits
IMPORT_REQUESTED; core.jobs runs `run_requested_import` after the commit, outside the request
(in the test suite: right after it). The job runs the same walk as `flask council
import-oparl URL` (importer.run.run_import, with the command's defaults), which commits page
by page, so a run that dies keeps what it had and the next one goes on from there. The run's
row says how it went: the figures and warnings of its Report, or why it failed.

A job may be delivered twice; the second finds its run no longer queued and does nothing.
A run that fails is not retried: an import takes long, and staff see the failure and can
start it again.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core import audit, events
from participation.core.models import utcnow
from participation.council.import_models import RUN_GIVEN_UP_AFTER, CouncilImportRun
from participation.council.staff_services import CouncilInputError
from participation.extensions import db

logger = logging.getLogger(__name__)

IMPORT_REQUESTED = "council.import_requested"
EVENTS = {IMPORT_REQUESTED: "staff started an OParl import; payload: run_id, url (a job runs it)"}
RETRIES, BACKOFF = 3, 1.0  # as `flask council import-oparl` (--retries, --backoff)


def register() -> None:
    """The event kind and its job (council.init_app, through staff_views.register)."""
    from participation.core import jobs

    events.declare_all(EVENTS)
    jobs.subscribe(IMPORT_REQUESTED, run_requested_import)


def request_import(url: str, *, actor) -> CouncilImportRun:
    """Queue an import of the OParl System at `url`; it starts once the request commits.
    Refused while another is under way: two runs would upsert the same rows at once."""
    since = utcnow() - RUN_GIVEN_UP_AFTER
    waiting = select(CouncilImportRun.id).where(
        CouncilImportRun.state.in_(("queued", "running")), CouncilImportRun.requested_at >= since
    )
    if db.session.scalar(waiting.limit(1)) is not None:
        message = _l("Another import is still under way. Please start this one when it has finished.")
        raise CouncilInputError("url", message)
    run = CouncilImportRun(source=url[:1000], requested_by_id=getattr(actor, "id", None), state="queued")
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "council.import.requested", run.__tablename__, run.id, after={"url": run.source})
    events.emit(IMPORT_REQUESTED, actor=actor, subject=run, run_id=run.id, url=run.source)
    return run


def _client():
    from participation.council.importer.client import USER_AGENT, HttpTransport, OParlClient
    from participation.council.importer.report import Report

    user_agent = USER_AGENT.format(base_url=current_app.extensions["settings"].base_url)
    settings = current_app.extensions["settings"]
    transport = HttpTransport(user_agent=user_agent, public_only=not settings.council_import_private_hosts)
    return OParlClient(transport, Report(), retries=RETRIES, backoff=BACKOFF)


def run_requested_import(event: events.Event) -> None:
    """The job."""
    from participation.council.importer.run import ImportFailed, run_import

    run = db.session.get(CouncilImportRun, event["run_id"])
    if run is None or run.state != "queued":
        return  # delivered again: it ran already (or runs now)
    run.state, run.started_at = "running", utcnow()
    db.session.commit()  # staff see it running while it runs
    client = _client()
    try:
        result = run_import(db.session, client, run.source, source=run.source)
    except ImportFailed as error:
        db.session.rollback()
        _finish(run.id, client.report, [], str(error))
    except Exception as error:  # what was committed stays; staff can start it again
        logger.exception("council import %s from %s failed", run.id, run.source)
        db.session.rollback()
        _finish(run.id, client.report, [], f"{type(error).__name__}: {error}")
    else:
        _finish(run.id, client.report, result.bodies, None)
    finally:
        client.close()


def _finish(run_id: int, report, bodies, failure: str | None) -> None:
    run = db.session.get(CouncilImportRun, run_id)
    run.state = "failed" if failure else "done"
    run.finished_at, run.message = utcnow(), failure
    run.objects = {kind: dict(outcomes) for kind, outcomes in sorted(report.objects.items())}
    run.warnings = {
        kind: {"count": count, "examples": list(report.examples.get(kind, []))}
        for kind, count in sorted(report.warnings.items())
    }
    run.skipped = len(report.skipped)
    run.failed_lists = list(report.failed_lists)
    run.bodies = [
        {
            "id": body.oparl_id,
            "complete": body.complete,
            "since": body.since.isoformat(timespec="seconds") if body.since else None,
        }
        for body in bodies
    ]
    figures = {outcome: report.total(outcome) for outcome in ("created", "updated", "deleted")}
    audit.record(
        run.requested_by,
        "council.import.failed" if failure else "council.import.finished",
        run.__tablename__,
        run.id,
        after={
            "state": run.state,
            **figures,
            "warnings": sum(report.warnings.values()),
            **({"message": failure[:500]} if failure else {}),
        },
    )
