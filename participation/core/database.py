"""Engine tweaks: SQLite made to behave like the PostgreSQL we run in production, and a
PostgreSQL connection checked only when it has been idle.

SQLAlchemy's pool_pre_ping checks every connection on every checkout: a round trip to the
server on every request, which a busy worker pays hundreds of times a second for connections
it used a moment ago. `ping_when_idle` checks only connections that sat in the pool for
IDLE_BEFORE_PING or longer (a server restart, a firewall dropping idle sessions); one that
dies while in use fails its request, and SQLAlchemy then renews the whole pool.
"""

import time

from flask import has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine


def insert_for(session):
    """The dialect's own `insert()`, which has ON CONFLICT DO NOTHING on both databases we run:
    how many people writing at once (supports, signatures, notifications) make one row."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]


IDLE_BEFORE_PING = 10.0  # seconds
_CHECKED_IN_AT = "participation_checked_in_at"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        ping_when_idle(engine)
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


def ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.get(_CHECKED_IN_AT)
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool retries with a new connection
            raise
