"""Reads that need no transaction around them.

A view that only reads, with statements that each stand on their own (the map's answer to a
pan: the cells in view, then the ideas), can have the request's session run them in
autocommit: the BEGIN and ROLLBACK round trips around them were half of the round trips of
such an answer on PostgreSQL. The statements then do not share one snapshot, which such a
view does not need. Never for a view that writes: each statement would commit alone.
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
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
