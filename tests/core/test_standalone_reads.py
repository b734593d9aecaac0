"""Views that only read run their statements in autocommit on PostgreSQL (core.standalone_reads),
and the connection goes back to the pool as it was, for the next request's transaction. SQLite
keeps its transactions (no round trips to save)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from participation.core import standalone_reads
from participation.extensions import db


@pytest.fixture
def engine_session(app, monkeypatch):
    """The request's session as in production: bound to the engine, not to the suite's
    connection (whose outer transaction cannot run anything in autocommit)."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with app.app_context():
        engine = db.engine
    levels: list[tuple[str, str | None]] = []
    levels_expected = "AUTOCOMMIT" if engine.dialect.name == "postgresql" else None

    def note_level(conn, cursor, statement, *args):
        levels.append((statement, conn.get_execution_options().get("isolation_level")))

    event.listen(engine, "before_cursor_execute", note_level)
    yield levels, levels_expected
    event.remove(engine, "before_cursor_execute", note_level)


def _levels_of(noted, *statements):
    """The isolation level each of `statements` ran in (the dialect's own, such as SQLite's
    PRAGMAs, left out)."""
    return [level for statement, level in noted if statement in statements]


def test_a_reading_view_runs_in_autocommit_and_the_next_request_in_a_transaction(app, engine_session):
    with app.test_request_context():
        standalone_reads.without_transaction()
        db.session.execute(text("SELECT 1"))
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":  # what saves the round trips: no BEGIN sent
            assert connection.connection.dbapi_connection.autocommit is True
    with app.test_request_context():
        db.session.execute(text("SELECT 2"))
        assert db.session().in_transaction()
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            assert connection.connection.dbapi_connection.autocommit is False
    noted, reading = engine_session
    assert _levels_of(noted, "SELECT 1", "SELECT 2") == [reading, None]


def test_nothing_changes_once_the_request_has_begun_a_transaction(app, engine_session):
    with app.test_request_context():
        db.session.execute(text("SELECT 1"))
        standalone_reads.without_transaction()  # too late: no error, the transaction stays
        db.session.execute(text("SELECT 2"))
    noted, _ = engine_session
    assert _levels_of(noted, "SELECT 1", "SELECT 2") == [None, None]


def test_the_map_answer_reads_in_autocommit(client, engine_session):
    # the suite's data is not committed, so this session finds no consultation: its lookup is
    # the statement that shows how the view reads
    assert client.get("/api/v1/consultations/nirgendwo/ideas.geojson").status_code == 404
    noted, reading = engine_session
    assert [level for statement, level in noted if "FROM consultation" in statement] == [reading]


def test_a_signed_in_page_looks_up_the_sign_in_in_autocommit(client, engine_session):
    with client.session_transaction() as session:  # a sign-in token (not in this session's data)
        session["_user_id"] = "ein-token-der-nicht-gespeichert-ist"
    assert client.get("/projekte").status_code == 200
    noted, reading = engine_session
    lookups = [level for statement, level in noted if "JOIN account_session" in statement]
    assert lookups == [reading]
