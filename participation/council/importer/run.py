"""The walk: System -> body list -> each body's lists, page by page, then what is still missing.

Lists are read in an order that brings what others refer to first (organisations before the
memberships that name them, meetings before the consultations that name their agenda items).
A run commits after each page, so an interrupted run keeps what it had and the next one goes on
from there (an import is idempotent). A body's `synced_at` moves only when every list of it was
read to the end: a run that lost a page to a failing server asks again for the same period.

Incremental runs ask for `modified_since` = the start of the last complete run minus an overlap
(the source's clock may be behind ours); what comes twice is simply unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.core.models import utcnow
from participation.council.import_models import CouncilImportState
from participation.council.importer.client import FetchError, OParlClient
from participation.council.importer.mapping import Mapper
from participation.council.importer.quirks import oparl_type
from participation.council.importer.report import Report

# the body's attribute -> the type of its objects, in the order they are read
BODY_LISTS = (
    ("legislativeTermList", "LegislativeTerm"),
    ("locationList", "Location"),
    ("organization", "Organization"),
    ("person", "Person"),
    ("membership", "Membership"),
    ("meeting", "Meeting"),
    ("agendaItem", "AgendaItem"),
    ("file", "File"),
    ("paper", "Paper"),
    ("consultation", "Consultation"),
)
# a list that answers like this has nothing for us, now or on the next try
PERMANENT_STATUSES = {400, 401, 403, 404, 410}

Progress = Callable[[str, int | None, Iterable], contextlib.AbstractContextManager]


def no_progress(label: str, total: int | None, items: Iterable):
    return contextlib.nullcontext(items)


class ImportFailed(Exception):
    """Nothing could be imported: no System, or no list of bodies."""


@dataclass
class Options:
    full: bool = False
    overlap: timedelta = timedelta(minutes=10)
    bodies: tuple[str, ...] = ()  # only the bodies with these OParl ids
    reference_budget: int = 1000  # objects fetched by id per body, for references no list brought


@dataclass
class BodyResult:
    oparl_id: str
    complete: bool
    since: datetime | None


@dataclass
class RunResult:
    report: Report
    bodies: list[BodyResult] = field(default_factory=list)


def run_import(
    session: Session,
    client: OParlClient,
    start_url: str,
    *,
    source: str | None = None,
    options: Options | None = None,
    progress: Progress = no_progress,
) -> RunResult:
    options = options or Options()
    report = client.report
    system = client.get_object(start_url)
    if system is None:
        raise ImportFailed(f"no OParl System at {start_url}")
    kind, _version = oparl_type(system)
    if kind not in (None, "System"):
        raise ImportFailed(f"{start_url} is a {kind}, not an OParl System")
    for key in system:
        if ":" in key:
            report.warn("vendor-key", f"{key} ignored ({system.get('id')})")
    body_list = system.get("body")
    if not isinstance(body_list, str) or not body_list.strip():
        raise ImportFailed(f"the System at {start_url} names no list of bodies")
    bodies = []
    try:
        for page in client.pages(body_list.strip()):
            bodies.extend(page.objects)
    except FetchError as error:
        raise ImportFailed(f"the list of bodies cannot be fetched: {error.reason}") from error
    result = RunResult(report)
    mapper = Mapper(session, report, fetch=client.get_object)
    for body_doc in bodies:
        if options.bodies and (not isinstance(body_doc, dict) or body_doc.get("id") not in options.bodies):
            continue
        outcome = _import_body(session, client, mapper, body_doc, source or start_url, options, progress)
        if outcome is not None:
            result.bodies.append(outcome)
    return result


def _import_body(
    session, client, mapper: Mapper, body_doc, source, options: Options, progress
) -> BodyResult | None:
    started = utcnow()
    if not mapper.import_top(body_doc, "Body"):
        session.commit()
        return None
    body_id = mapper.lookup("Body", body_doc["id"].strip())
    mapper.body_id = body_id
    state = session.scalar(select(CouncilImportState).where(CouncilImportState.body_id == body_id))
    since = None
    if state is not None and state.synced_at is not None and not options.full:
        since = state.synced_at - options.overlap
    mapper.listed_types = frozenset(name for key, name in BODY_LISTS if isinstance(body_doc.get(key), str))
    session.commit()
    label = (
        (body_doc.get("shortName") or body_doc.get("name") or "body")
        if isinstance(body_doc, dict)
        else "body"
    )
    complete = True
    for key, name in BODY_LISTS:
        url = body_doc.get(key)
        if isinstance(url, str) and url.strip():
            complete &= _walk(session, client, mapper, url.strip(), name, since, progress, f"{label}: {key}")
    mapper.resolve(budget=options.reference_budget)
    if state is None:
        state = CouncilImportState(body_id=body_id, source=source)
        session.add(state)
    state.source = source[:1000]
    state.last_run_at = started
    state.last_run_complete = complete
    if complete:
        state.synced_at = started
    session.commit()
    return BodyResult(body_doc["id"], complete, since)


def _walk(session, client: OParlClient, mapper: Mapper, url, oparl_type_name, since, progress, label) -> bool:
    """One external list, all its pages. False if a page was lost to a passing failure."""
    report = client.report
    pages = client.pages(url, since=since)
    try:
        first = next(pages, None)
    except FetchError as error:
        return _lost(report, url, error)
    if first is None:
        return True
    failed: list[FetchError] = []

    def objects():
        """Each object with whether it ends its page: a page is imported, and committed, at once."""
        page = first
        while True:
            for n, doc in enumerate(page.objects, start=1):
                yield doc, n == len(page.objects)
            session.commit()  # a page done is kept, whatever happens to the next
            try:
                page = next(pages, None)
            except FetchError as error:
                failed.append(error)
                return
            if page is None:
                return

    batch: list = []
    with progress(label, first.total, objects()) as items:
        for doc, last in items:
            batch.append(doc)
            if last:
                mapper.import_page(batch, oparl_type_name)
                batch = []
    session.commit()
    return _lost(report, url, failed[0]) if failed else True


def _lost(report: Report, url: str, error: FetchError) -> bool:
    if error.status in PERMANENT_STATUSES:
        report.warn("list-unreachable", f"{error.url}: {error.reason}; nothing imported from it")
        return True
    report.failed_lists.append(f"{error.url}: {error.reason}")
    return False
