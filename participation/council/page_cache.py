"""The public parts of the council's busiest pages, rendered once per language and kept until
the council's data changes.

A Ratsversammlung's page lists sixty agenda items with their papers and hundreds of document
links: 70 ms to load and render, the same for every visitor. The meeting and paper pages keep
those parts (what depends on who looks, such as the follow button, the staff links and the
live section, stays outside) in the shared cache under a version of the council's data.

Any write to a council table moves the version on once the transaction commits: ORM changes
(the staff forms, the live session recording times and results on agenda items) and plain
statements through the session (the OParl importer writes whole pages with INSERT and
UPDATE), whoever makes them. The cache entries of older versions are never read again and
expire. A version that moves too often only costs a render.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from participation.core.locale import current_locale
from participation.extensions import cache

VERSION_KEY = "council:pages-version"
TIMEOUT_SECONDS = 600  # the entries of a version nobody asks for any more go after this
_STALE = "council_pages_stale"
_TABLE_PREFIX = "council_"


def _council_row(obj) -> bool:
    return str(getattr(type(obj), "__tablename__", "")).startswith(_TABLE_PREFIX)


def _note_flush(session: Session, _flush_context) -> None:
    if any(_council_row(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_STALE] = True


def _note_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and str(getattr(table, "name", "")).startswith(_TABLE_PREFIX):
        state.session.info[_STALE] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_STALE, False) and current_app:
        new_version()


def new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(6), timeout=0)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        new_version()
        version = cache.get(VERSION_KEY) or "none"  # NullCache (tests): nothing is kept anyway
    return version


def sections(kind: str, object_id: int, render: Callable[[], dict[str, str]]) -> dict[str, Markup]:
    """The page's cached parts by name, rendered by `render` (name -> HTML) when missing."""
    key = f"council-page:{kind}:{object_id}:{_version()}:{current_locale()}"
    parts = cache.get(key)
    if parts is None:
        parts = {name: str(html) for name, html in render().items()}
        cache.set(key, parts, timeout=TIMEOUT_SECONDS)
    return {name: Markup(html) for name, html in parts.items()}  # noqa: S704 - our own templates' output


_listening: list[bool] = []


def register() -> None:
    """Watch every session for council writes (once per process: the listeners are global)."""
    if _listening:
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_statement)
    event.listen(Session, "after_commit", _after_commit)
    _listening.append(True)
