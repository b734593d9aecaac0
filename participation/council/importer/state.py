"""The importer's rows in memory, one list page at a time (writer.py reads and writes them).

`PageRows` holds the rows a page touches, as the database has them and as they are to be, and
the link rows of the association tables likewise, with an undo log per object: batch.py undoes
a malformed object with it, so nothing of it reaches the database. `Stage` is what an object
(or a page) would add to the importer's own memory once its rows are written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Table, inspect

from participation.council.models import (
    AgendaItem,
    Body,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    PaperConsultation,
    Person,
)

# OParl type -> model, in the order new rows are inserted: what a foreign key names comes first
# (a body's location, a file's master file and an organisation's parent come after: writer.py)
MODELS = {
    "Body": Body,
    "Location": Location,
    "LegislativeTerm": LegislativeTerm,
    "File": File,
    "Organization": Organization,
    "Person": Person,
    "Membership": Membership,
    "Meeting": Meeting,
    "AgendaItem": AgendaItem,
    "Paper": Paper,
    "Consultation": PaperConsultation,
}
TABLE_OF = {name: model.__table__ for name, model in MODELS.items()}


@dataclass(frozen=True)
class Link:
    """A relationship kept in an association table: which of its two columns is the owner's."""

    table: Table
    owner: int  # 0 or 1
    target_type: str

    def pair(self, owner_id: int, target_id: int) -> tuple[int, int]:
        return (owner_id, target_id) if self.owner == 0 else (target_id, owner_id)


@cache
def link_of(oparl_type: str, attr: str) -> Link:
    relationship = inspect(MODELS[oparl_type]).relationships[attr]
    table = relationship.secondary
    owner_column = relationship.synchronize_pairs[0][1]
    target_model = relationship.mapper.class_
    target_type = next(name for name, model in MODELS.items() if model is target_model)
    return Link(table, list(table.c).index(owner_column), target_type)


@cache
def links_of_type(oparl_type: str) -> tuple[Link, ...]:
    relationships = inspect(MODELS[oparl_type]).relationships
    return tuple(link_of(oparl_type, r.key) for r in relationships if r.secondary is not None)


@cache
def _defaults(table: Table) -> tuple[dict, dict]:
    """Every column's default, for a new row (an INSERT of many rows needs the same keys in each):
    the plain values, and the callables to call for each row (`list`, `utcnow`)."""
    plain, called = {}, {}
    for column in table.columns:
        default = column.default
        if default is None:
            plain[column.name] = None
        elif default.is_callable:
            called[column.name] = default.arg
        else:
            plain[column.name] = default.arg
    return plain, called


def _new_values(table: Table, values: dict) -> dict:
    plain, called = _defaults(table)
    return {**plain, **{k: make(None) for k, make in called.items() if k not in values}, **values}


@dataclass
class PendingLink:
    owner_type: str
    owner_id: int
    attr: str  # a foreign key column, or a collection relationship
    target_type: str
    target_id: str
    collection: bool


@dataclass
class Waiting:
    """An object whose required reference was missing, with what its parent gave it."""

    doc: dict
    oparl_type: str
    parent: dict
    needs: tuple[str, str]


@dataclass
class Stage:
    """What one object (or page) would add to the importer's memory once its rows are written."""

    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: list[PendingLink] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def count(self, oparl_type: str, outcome: str) -> None:
        self.counts[oparl_type][outcome] += 1

    def merge(self, other: Stage) -> None:
        self.ids.update(other.ids)
        self.pending.extend(other.pending)
        self.waiting.extend(other.waiting)
        for oparl_type, outcomes in other.counts.items():
            self.counts[oparl_type].update(outcomes)


class RowState:
    """One row: `values` as it is to be, `stored` as the database has it (None: a new row)."""

    __slots__ = ("oparl_type", "id", "values", "stored", "forced", "born")

    def __init__(self, oparl_type: str, pk: int, values: dict, stored: dict | None, born: int = 0):
        self.oparl_type, self.id, self.values, self.stored = oparl_type, pk, values, stored
        self.forced: set[str] = set()  # written even when equal (`modified`, against onupdate)
        self.born = born

    def get(self, key: str):
        return self.values.get(key)

    def __getattr__(self, name: str):  # row.deleted, row.modified, row.oparl_id ...
        if name in RowState.__slots__:
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def changes(self) -> set[str]:
        return {
            key for key, value in self.values.items() if key in self.forced or self.stored.get(key) != value
        }


class LinkRows:
    """The rows of one association table a page has seen, stored and to be, by either column."""

    def __init__(self):
        self.stored: set[tuple[int, int]] = set()
        self.now: set[tuple[int, int]] = set()
        self.by: tuple[dict, dict] = (defaultdict(set), defaultdict(set))
        self.loaded: tuple[set, set] = (set(), set())  # owners whose stored rows were read, per column

    def add(self, pair: tuple[int, int]) -> None:
        self.now.add(pair)
        self.by[0][pair[0]].add(pair)
        self.by[1][pair[1]].add(pair)

    def remove(self, pair: tuple[int, int]) -> None:
        self.now.discard(pair)
        self.by[0][pair[0]].discard(pair)
        self.by[1][pair[1]].discard(pair)


class PageRows:
    """The rows and link rows one page touches."""

    def __init__(self):
        self.rows: dict[tuple[str, int], RowState] = {}
        self.links: dict[Table, LinkRows] = defaultdict(LinkRows)
        self.stage = Stage()
        self._object = 0
        self._undo: list[Callable[[], None]] | None = None

    # -- one object at a time, undone whole on failure -----------------------------------------
    def begin_object(self) -> None:
        self._object += 1
        self._undo = []

    def undo_object(self) -> None:
        for step in reversed(self._undo or []):
            step()
        self._undo = []

    def _log(self, step: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(step)

    # -- changes ----------------------------------------------------------------------------------
    def create(self, oparl_type: str, pk: int, values: dict) -> RowState:
        row = RowState(
            oparl_type, pk, {**_new_values(TABLE_OF[oparl_type], values), "id": pk}, None, self._object
        )
        self.rows[(oparl_type, pk)] = row
        self._log(lambda: self.rows.pop((oparl_type, pk), None))
        return row

    def assign(self, row: RowState, key: str, value, *, force: bool = False) -> None:
        if row.born != self._object:  # a row new in this object goes with it; others are restored
            old, had, forced = row.values.get(key), key in row.values, key in row.forced

            def undo():
                if had:
                    row.values[key] = old
                else:
                    row.values.pop(key, None)
                if not forced:
                    row.forced.discard(key)

            self._log(undo)
        row.values[key] = value
        if force:
            row.forced.add(key)

    def link(self, link: Link, owner_id: int, target_id: int) -> None:
        pair, rows = link.pair(owner_id, target_id), self.links[link.table]
        if pair not in rows.now:
            rows.add(pair)
            self._log(lambda: rows.remove(pair))

    def unlink(self, link: Link, owner_id: int, target_id: int) -> None:
        pair, rows = link.pair(owner_id, target_id), self.links[link.table]
        if pair in rows.now:
            rows.remove(pair)
            self._log(lambda: rows.add(pair))
