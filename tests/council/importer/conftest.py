"""Fixtures of the importer's tests: the fixture server (one per session, each test mounting
its own sites under a prefix of its own), a runner for imports, and a snapshot of every council
row to compare runs by."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import func, select

from participation.council.importer.client import HttpTransport, OParlClient, Rewrite
from participation.council.importer.report import Report
from participation.council.importer.rows import MODELS
from participation.council.importer.run import Options, run_import
from participation.council.models import (
    agenda_item_file,
    consultation_organization,
    meeting_file,
    meeting_organization,
    meeting_participant,
    paper_file,
    paper_location,
    paper_originator_organization,
    paper_originator_person,
    paper_related,
    paper_subordinated,
    paper_under_direction_of,
)
from participation.extensions import db
from tests.council.importer.synthetic import SyntheticCouncil
from tests.council.oparl_fixture_server import FixtureServer

OPARL_REAL = Path(__file__).resolve().parents[3].parent / "shared" / "oparl-real"
LINK_TABLES = (
    meeting_organization,
    meeting_participant,
    meeting_file,
    agenda_item_file,
    paper_file,
    paper_location,
    paper_originator_person,
    paper_originator_organization,
    paper_under_direction_of,
    consultation_organization,
    paper_related,
    paper_subordinated,
)
_prefixes = itertools.count(1)


@pytest.fixture(scope="session")
def oparl_server():
    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def prefix():
    return f"/t{next(_prefixes)}"


@pytest.fixture
def synthetic(oparl_server, prefix):
    def make(**options) -> SyntheticCouncil:
        return SyntheticCouncil(oparl_server, prefix + "/oparl", **options)

    return make


@pytest.fixture
def real():
    if not OPARL_REAL.is_dir():
        pytest.skip(f"the captured OParl answers are not at {OPARL_REAL}")
    return OPARL_REAL


def make_client(*, rewrites=(), retries: int = 2, learn: bool = True) -> OParlClient:
    transport = HttpTransport(user_agent="participation-tests", allowed_hosts={"127.0.0.1"}, timeout=(5, 20))
    return OParlClient(
        transport,
        Report(),
        rewrites=[Rewrite(source, target) for source, target in rewrites],
        retries=retries,
        backoff=0,
        sleep=lambda seconds: None,
        learn=learn,
    )


@pytest.fixture
def run(app):
    """run(start_url, full=False, rewrites=(), ...) -> the RunResult of an import."""

    def _run(start_url: str, *, full: bool = False, client: OParlClient | None = None, **client_options):
        client = client or make_client(**client_options)
        with app.app_context():
            return run_import(db.session, client, start_url, options=Options(full=full))

    return _run


@pytest.fixture
def snapshot(app):
    """Every council row by table and OParl id: (modified, deleted); and the links' row counts."""

    def _snapshot() -> dict:
        with app.app_context():
            rows = {}
            for name, model in MODELS.items():
                for oparl_id, modified, deleted in db.session.execute(
                    select(model.oparl_id, model.modified, model.deleted)
                ):
                    rows[(name, oparl_id)] = (modified, deleted)
            links = {
                table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in LINK_TABLES
            }
            return {"rows": rows, "links": links}

    return _snapshot
