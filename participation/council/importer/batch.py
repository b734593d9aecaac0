"""A list page imported at once, and each object of it whole or not at all.

The rows a page names (embedded objects too) are read first, in one SELECT per table; then
each object is mapped in memory (rows.py, mapping.py), and one that turns out malformed is
undone whole and reported before anything is written; then the page is written in one
SAVEPOINT. If the database refuses it, the page is written again object by object, each in a
SAVEPOINT of its own, so the one refused is rolled back whole and reported and the rest goes
on. What an object would add to the importer's own memory (ids, pending links, counts) is kept
aside until its rows are written. One statement per row and one SAVEPOINT per object made a
10,000-paper import take seven minutes.

New rows get numbers of their own (negative) while a page is mapped and their ids when it is
written; what refers to them is translated then.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.council.importer.report import Report
from participation.council.importer.state import MODELS, PageRows, PendingLink, RowState, Stage, Waiting
from participation.council.importer.writer import PageWriter


@dataclass
class _Mapped:
    doc: object
    oparl_type: str
    parent: dict | None
    ok: bool = False
    stage: Stage = field(default_factory=Stage)


def _ids_in(doc, found: dict[str, str | None]) -> None:
    """Every object id in a document, embedded ones too, with the type it says it has."""
    if isinstance(doc, dict):
        oparl_id = doc.get("id")
        if isinstance(oparl_id, str):
            kind = doc.get("type")
            found[oparl_id.strip()] = kind.rsplit("/", 1)[-1] if isinstance(kind, str) else None
        for value in doc.values():
            if isinstance(value, dict | list):
                _ids_in(value, found)
    elif isinstance(doc, list):
        for value in doc:
            if isinstance(value, dict | list):
                _ids_in(value, found)


class BatchImport:
    """The page-at-once part of the importer; rows.py's RowWriter writes the rows themselves."""

    body_id: int | None = None  # the Mapper's: translated too when its body was new in the page

    def __init__(self, session: Session, report: Report, fetch: Callable[[str], dict | None] | None = None):
        self.session = session
        self.report = report
        self.fetch = fetch or (lambda url: None)
        self.ids: dict[tuple[str, str], int] = {}
        self.pending: list[PendingLink] = []
        self.waiting: list[Waiting] = []
        self.unreachable: set[tuple[str, str]] = set()
        self.writer = PageWriter(session)
        self._numbers = itertools.count(1)  # new rows' own numbers while a page is mapped: -1, -2, ...
        self._page: PageRows | None = None
        self._stage: Stage | None = None
        for name, model in MODELS.items():
            for oparl_id, pk in session.execute(
                select(model.oparl_id, model.id).where(model.oparl_id.is_not(None))
            ):
                self.ids[(name, oparl_id)] = pk

    # -- a page at once, each object of it whole or not at all ---------------------------------
    def import_top(self, doc, oparl_type: str, parent: dict | None = None) -> bool:
        """Import one object of a list (with what it embeds) or nothing of it."""
        return self.import_page([doc], oparl_type, parent)[0]

    def import_page(self, docs: list, oparl_type: str, parent: dict | None = None) -> list[bool]:
        """Import the objects of one list page; for each, whether it was imported."""
        objects = [_Mapped(doc, oparl_type, parent) for doc in docs]
        self._map(objects)
        try:
            with self.session.begin_nested():
                real = self.writer.write(self._page)
        except Exception:  # noqa: BLE001 - the database (or its driver) refused something
            # every object again on its own, to find which
            self._page = None
            quiet, self.report = self.report, _Muted(self.report)
            try:
                for item in objects:
                    if item.ok:
                        item.ok = self._import_alone(item, quiet)
            finally:
                self.report = quiet
            return [item.ok for item in objects]
        self._keep(real)
        return [item.ok for item in objects]

    def _map(self, objects: list[_Mapped]) -> None:
        self._page = PageRows()
        found: dict[str, str | None] = {}
        for item in objects:
            _ids_in(item.doc, found)
        wanted: dict[str, list[int]] = {}
        for oparl_id, kind in found.items():
            for name in (kind,) if kind in MODELS else MODELS:
                pk = self.ids.get((name, oparl_id))
                if pk is not None:
                    wanted.setdefault(name, []).append(pk)
        for name, pks in wanted.items():
            self.writer.load(self._page, name, pks)
        for item in objects:
            self._map_one(item)

    def _map_one(self, item: _Mapped) -> None:
        doc = item.doc
        where = doc.get("id") if isinstance(doc, dict) else None
        self._stage = item.stage
        self._page.begin_object()
        try:
            self.import_object(doc, item.oparl_type, item.parent or {})
        except Exception as error:  # noqa: BLE001 - whatever went wrong, this object is skipped whole
            self._page.undo_object()
            self.report.skip(str(where or repr(doc)[:80]), f"{type(error).__name__}: {error}")
            item.ok = False
        else:
            self._page.stage.merge(item.stage)
            item.ok = True
        finally:
            self._stage = None

    def _import_alone(self, item: _Mapped, report: Report) -> bool:
        item.stage = Stage()
        self._map([item])
        if not item.ok:
            return False
        try:
            with self.session.begin_nested():
                real = self.writer.write(self._page)
        except Exception as error:  # noqa: BLE001 - refused: this object is skipped whole
            self._page = None
            where = item.doc.get("id") if isinstance(item.doc, dict) else None
            report.skip(str(where or repr(item.doc)[:80]), f"{type(error).__name__}: {_first_line(error)}")
            return False
        self._keep(real)
        return True

    def _keep(self, real: dict[int, int]) -> None:
        """The page is written: what its objects found goes into the importer's memory."""
        stage = self._page.stage
        self._page = None
        for key, pk in stage.ids.items():
            self.ids[key] = real.get(pk, pk)
        for link in stage.pending:
            link.owner_id = real.get(link.owner_id, link.owner_id)
            self.pending.append(link)
        for item in stage.waiting:
            item.parent = {k: real.get(v, v) if isinstance(v, int) else v for k, v in item.parent.items()}
            self.waiting.append(item)
        if self.body_id is not None:
            self.body_id = real.get(self.body_id, self.body_id)
        self.report.merge_counts(stage.counts)

    def import_object(self, doc, oparl_type: str, parent: dict):  # overridden by the Mapper
        raise NotImplementedError

    # -- lookups -----------------------------------------------------------------------------
    def lookup(self, oparl_type: str, oparl_id: str | None) -> int | None:
        if not oparl_id:
            return None
        key = (oparl_type, oparl_id)
        if self._stage is not None and key in self._stage.ids:
            return self._stage.ids[key]
        if self._page is not None and key in self._page.stage.ids:
            return self._page.stage.ids[key]
        return self.ids.get(key)

    def _count(self, oparl_type: str, outcome: str) -> None:
        if self._stage is not None:
            self._stage.count(oparl_type, outcome)
        else:
            self.report.count(oparl_type, outcome)

    def row(self, oparl_type: str, pk: int) -> RowState | None:
        """The row as this page has it (read from the database unless the page did already)."""
        return self.writer.state(self._page, oparl_type, pk)

    def rows_where(self, oparl_type: str, column: str, value: int) -> list[RowState]:
        """Rows of an OParl id, not deleted, whose `column` is `value`: stored or new in this page."""
        return self.writer.rows_where(self._page, oparl_type, column, value)


class _Muted:
    """The report while a refused page is mapped again: its warnings were counted the first time."""

    def __init__(self, report: Report):
        self._report = report

    def warn(self, kind: str, message: str) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._report, name)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
