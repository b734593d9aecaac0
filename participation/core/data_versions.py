"""A version per group of tables that moves on whenever a committed transaction wrote to one.

Caches of rendered pages key their entries by the versions of the data they show, so an
entry is never read again once that data changed, whoever changed it: the ORM (forms,
services, the live console) and plain statements through the session alike (the OParl
importer writes whole pages with INSERT and UPDATE). A version moves only after the commit,
so a rolled-back request leaves every cache as it was (its tables stay noted and move the
version with the session's next commit: one render too many, never one too few). Entries of
older versions are never read again and expire; a version that moves often only costs renders.

Features name their groups in init_app (`watch("council", "council_")`); the listeners on
the session are installed once per process.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from participation.extensions import cache

_KEY = "data-version:"
_WRITTEN = "data_versions_written"  # session.info: the table names written in this transaction

# group -> table names or prefixes (a prefix ends with "_"); module level, as the listeners are
_GROUPS: dict[str, tuple[str, ...]] = {}


def watch(group: str, *tables: str) -> None:
    """Move `group`'s version on after every commit that wrote to one of `tables`."""
    _GROUPS[group] = tuple(dict.fromkeys((*_GROUPS.get(group, ()), *tables)))
    _listen()


def _matches(table: str, names: tuple[str, ...]) -> bool:
    return any(table == name or (name.endswith("_") and table.startswith(name)) for name in names)


def _note(session: Session, table: str) -> None:
    session.info.setdefault(_WRITTEN, set()).add(table)


def _note_flush(session: Session, _flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table:
            _note(session, str(table))


def _note_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None):
        _note(state.session, str(table.name))


def _after_commit(session: Session) -> None:
    # Also called when a SAVEPOINT is released: only the outermost commit makes data visible
    # to others, and a version moved before it would let a render of the old data be kept
    # under the new version.
    if session.in_nested_transaction():
        return
    written = session.info.pop(_WRITTEN, None)
    if not written or not current_app:
        return
    for group, names in _GROUPS.items():
        if any(_matches(table, names) for table in written):
            bump(group)


def bump(group: str) -> None:
    cache.set(_KEY + group, secrets.token_hex(6), timeout=0)
    if has_request_context():
        g.pop(_SEEN, None)  # this request wrote: what it reads next is of the new version


_SEEN = "data_versions_seen"  # in g: the versions this request has read so far


def versions(groups: Iterable[str]) -> str:
    """The groups' versions as one string for a cache key (one round trip to the cache)."""
    names = list(groups)
    found = versions_by_group(names)
    return ".".join(found[name] for name in names)


def versions_by_group(groups: Iterable[str]) -> dict[str, str]:
    """Each group's version (one round trip to the cache), for keys made of several parts.

    A request reads each group's version once: the parts of one page (the page kept for its
    viewers, the comment threads in it) are then of the same data, and the second part costs
    no round trip. A request that writes reads the new versions after its commit."""
    seen = g.setdefault(_SEEN, {}) if has_request_context() else {}
    names = list(dict.fromkeys(groups))
    missing = [name for name in names if name not in seen]
    if missing:
        found = cache.get_many(*(_KEY + group for group in missing))
        for name, value in zip(missing, found, strict=True):
            if value is None:  # never written since the cache started: begin one
                bump(name)
                value = cache.get(_KEY + name) or "none"  # NullCache keeps nothing anyway
            seen[name] = str(value)
    return {name: seen[name] for name in names}


_listening: list[bool] = []


def _listen() -> None:
    if _listening:
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_statement)
    event.listen(Session, "after_commit", _after_commit)
    _listening.append(True)


REMEMBERED_SECONDS = 600  # an entry of a version nobody asks for any more goes after this


def remembered(groups: Iterable[str], key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value, kept in the shared cache until a table of `groups` is written:
    for figures every page shows that scan many rows (the ideas counted for a pager)."""
    full_key = f"remembered:{key}:{versions(groups)}"
    found = cache.get(full_key)
    if found is None:
        found = compute()
        cache.set(full_key, found, timeout=REMEMBERED_SECONDS)
    return found
