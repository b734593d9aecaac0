"""Reads that need no transaction around them.

A view that only reads, with statements that each stand on their own (the map's answer to a
pan: the cells in view, then the ideas), can have the request's session run them in
autocommit: the BEGIN and ROLLBACK round trips around them were half of the round trips of
such an answer on PostgreSQL. Pages kept for signed-in viewers (core.viewer_pages) read
this way too: their sign-in lookup is then one round trip instead of three. The statements
do not share one snapshot, which such views do not need. Never for a view that writes:
each statement would commit alone.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from participation.extensions import db


def without_transaction() -> None:
    """Run the request's next statements in autocommit. Nothing once the session has begun
    a transaction (something of the request read or wrote already), nor for a session bound
    to one connection (the suite's, a script's): who made that one runs its transaction."""
    session = db.session()
    if session.in_transaction() or isinstance(session.get_bind(), Connection):
        return
    if session.get_bind().dialect.name == "sqlite":  # no round trips to save, and core.database
        return  # begins SQLite's transactions itself, on connections it set up for that
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
