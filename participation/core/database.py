"""Engine tweaks that make SQLite behave like the PostgreSQL we run in production."""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine


def insert_for(session):
    """The dialect's own `insert()`, which has ON CONFLICT DO NOTHING on both databases we run:
    how many people writing at once (supports, signatures, notifications) make one row."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # SAVEPOINTs (and rolled-back tests) work; enforce foreign keys like PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request that writes takes SQLite's write lock at its first statement: a deferred
        # transaction that has read cannot wait for the lock later and fails at once with
        # "database is locked" when another request wrote in between (two clicks on
        # "support" at the same moment). Writers now queue for up to busy_timeout instead;
        # reads stay concurrent under WAL.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_writes() else "BEGIN")


def _request_writes() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
