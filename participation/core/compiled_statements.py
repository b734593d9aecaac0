"""Statements of the hottest paths, compiled once per process and run through the driver.

SQLAlchemy builds a statement, derives its cache key by walking the whole expression and looks
the compiled form up on every execution. For a statement as large as the map's listed
features (a subquery, scalar subqueries, format() with nine arguments) that took longer than
PostgreSQL took to run it: 1.3 to 2 ms against 1 ms. A statement written with bind
parameters for everything that varies is the same every time, so it is compiled once, here,
and each request hands the driver only its values. Values are passed as the driver takes
them (ints, floats, strings): no type processing happens on the way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql import Executable

_compiled: dict[tuple[str, Hashable], tuple[str, dict, list[str] | None]] = {}
_lock = threading.Lock()


def run(connection: Connection, key: Hashable, build: Callable[[], Executable], values: dict) -> CursorResult:
    """Run the statement `build()` makes (once per dialect and `key`) with `values` for its
    bind parameters; parameters not given keep the values the statement was built with."""
    dialect = connection.dialect
    entry = _compiled.get((dialect.name, key))
    if entry is None:
        compiled = build().compile(dialect=dialect)
        entry = (str(compiled), dict(compiled.params), compiled.positiontup)
        with _lock:
            _compiled[(dialect.name, key)] = entry
    sql, defaults, positions = entry
    params = {**defaults, **values}
    if positions is not None:  # a positional paramstyle (SQLite's "?")
        return connection.exec_driver_sql(sql, tuple(params[name] for name in positions))
    return connection.exec_driver_sql(sql, params)
