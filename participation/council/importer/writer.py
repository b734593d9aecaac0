"""Reading a page's rows in bulk and writing a page in one go, in plain Core statements.

Reading: one SELECT per table (and per association table) for every row a page names, instead
of one per object. Writing: ids for the page's new rows (a sequence's next values on PostgreSQL,
the next numbers above the highest on SQLite, which lets one writer in at a time), an INSERT per
table in the order of their foreign keys, an UPDATE for each set of columns that differ, and the
link rows added and removed, each executed for many rows at once. The ORM's unit of work, one
flush per row, cost more than everything else of an import.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, tuple_, update
from sqlalchemy.orm import Session

from participation.council.importer.state import (
    TABLE_OF,
    Link,
    LinkRows,
    PageRows,
    RowState,
    links_of_type,
)

_ORDER = {table: n for n, table in enumerate(TABLE_OF.values())}
CHUNK = 500  # ids per IN (...): SQLite allows 32,766 parameters, PostgreSQL 65,535


@cache
def _foreign_keys(table: Table) -> dict[str, Table]:
    return {
        column.name: next(iter(column.foreign_keys)).column.table
        for column in table.columns
        if column.foreign_keys
    }


class PageWriter:
    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self._sequences: dict[Table, str] = {}

    # -- reading ----------------------------------------------------------------------------------
    def load(self, page: PageRows, oparl_type: str, pks) -> None:
        """The rows with these ids (and their link rows) into the page, unless it has them."""
        table = TABLE_OF[oparl_type]
        missing = sorted({pk for pk in pks if pk > 0 and (oparl_type, pk) not in page.rows})
        for start in range(0, len(missing), CHUNK):
            for found in self.session.execute(
                select(table).where(table.c.id.in_(missing[start : start + CHUNK]))
            ):
                stored = dict(found._mapping)
                page.rows[(oparl_type, stored["id"])] = RowState(
                    oparl_type, stored["id"], dict(stored), stored
                )
        for link in links_of_type(oparl_type):
            self._load_links(page, link, missing)

    def _load_links(self, page: PageRows, link: Link, owners) -> None:
        rows = page.links[link.table]
        owners = sorted({pk for pk in owners if pk > 0} - rows.loaded[link.owner])
        column = list(link.table.c)[link.owner]
        first, second = list(link.table.c)
        for start in range(0, len(owners), CHUNK):
            chunk = owners[start : start + CHUNK]
            for pair in self.session.execute(select(first, second).where(column.in_(chunk))):
                pair = tuple(pair)
                if pair not in rows.stored:
                    rows.stored.add(pair)
                    rows.add(pair)
        rows.loaded[link.owner].update(owners)

    def state(self, page: PageRows, oparl_type: str, pk: int) -> RowState | None:
        if (oparl_type, pk) not in page.rows:
            self.load(page, oparl_type, [pk])
        return page.rows.get((oparl_type, pk))

    def linked(self, page: PageRows, link: Link, owner_id: int, *, new: bool) -> set[int]:
        """The targets the owner links to, as the page has it now."""
        rows = page.links[link.table]
        if not new and owner_id > 0 and owner_id not in rows.loaded[link.owner]:
            self._load_links(page, link, [owner_id])
        return {pair[1 - link.owner] for pair in rows.by[link.owner].get(owner_id, ())}

    def rows_where(self, page: PageRows, oparl_type: str, column: str, value: int) -> list[RowState]:
        table = TABLE_OF[oparl_type]
        query = select(table.c.id).where(table.c[column] == value, table.c.deleted.is_(False))
        self.load(page, oparl_type, list(self.session.scalars(query.where(table.c.oparl_id.is_not(None)))))
        return [
            row
            for (kind, _pk), row in page.rows.items()
            if kind == oparl_type
            and row.get(column) == value
            and not row.deleted
            and row.oparl_id is not None
        ]

    # -- writing ----------------------------------------------------------------------------------
    def write(self, page: PageRows) -> dict[int, int]:
        """Everything the page changed; returns the ids its new rows got, by their own numbers."""
        new = sorted((row for row in page.rows.values() if row.stored is None), key=lambda row: -row.id)
        real = self._ids_for(new)
        for row in page.rows.values():
            row.id = real.get(row.id, row.id)
            for column in _foreign_keys(TABLE_OF[row.oparl_type]):
                value = row.values.get(column)
                if isinstance(value, int) and value < 0:
                    row.values[column] = real.get(value, value)
            row.values["id"] = row.id
        later = self._insert(new)
        self._update([row for row in page.rows.values() if row.stored is not None], later)
        for table, rows in page.links.items():
            self._write_links(table, rows, real)
        return real

    def _ids_for(self, new: list[RowState]) -> dict[int, int]:
        by_table: dict[Table, list[RowState]] = defaultdict(list)
        for row in new:
            by_table[TABLE_OF[row.oparl_type]].append(row)
        real = {}
        for table, rows in by_table.items():
            if self.dialect == "postgresql":
                if table not in self._sequences:
                    self._sequences[table] = self.session.scalar(
                        select(func.pg_get_serial_sequence(table.name, "id"))
                    )
                ids = sorted(
                    self.session.scalars(
                        text("SELECT nextval(:sequence) FROM generate_series(1, :n)"),
                        {"sequence": self._sequences[table], "n": len(rows)},
                    )
                )
            else:  # SQLite: the writer holds the database's write lock until the page is committed
                top = self.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
                ids = list(range(top + 1, top + 1 + len(rows)))
            real.update(zip((row.id for row in rows), ids, strict=True))
        return real

    def _insert(self, new: list[RowState]) -> list[tuple[RowState, str]]:
        """INSERTs per table; a foreign key to a new row inserted after it (or in the same statement)
        is written by an UPDATE afterwards, so every statement meets its constraints."""
        new_ids: dict[Table, set[int]] = defaultdict(set)
        for row in new:
            new_ids[TABLE_OF[row.oparl_type]].add(row.id)
        later: list[tuple[RowState, str]] = []
        by_table: dict[Table, list[dict]] = defaultdict(list)
        for row in new:
            table = TABLE_OF[row.oparl_type]
            params = dict(row.values)
            for column, target in _foreign_keys(table).items():
                if params[column] in new_ids.get(target, ()) and _ORDER.get(target, -1) >= _ORDER[table]:
                    later.append((row, column))
                    params[column] = None
            by_table[table].append(params)
        for table in sorted(by_table, key=_ORDER.get):
            self.session.execute(insert(table), sorted(by_table[table], key=lambda params: params["id"]))
        return later

    def _update(self, stored: list[RowState], later: list[tuple[RowState, str]]) -> None:
        groups: dict[tuple[Table, frozenset], list[dict]] = defaultdict(list)
        for row in stored:
            columns = row.changes()
            if columns:
                columns.add("modified")  # always: else the column's onupdate would put now there
                groups[(TABLE_OF[row.oparl_type], frozenset(columns))].append(
                    {"row_id": row.id, **{f"new_{c}": row.values[c] for c in columns}}
                )
        for row, column in later:
            groups[(TABLE_OF[row.oparl_type], frozenset((column, "modified")))].append(
                {
                    "row_id": row.id,
                    f"new_{column}": row.values[column],
                    "new_modified": row.values["modified"],
                }
            )
        for (table, columns), params in groups.items():
            statement = update(table).where(table.c.id == bindparam("row_id"))
            statement = statement.values({c: bindparam(f"new_{c}") for c in sorted(columns)})
            self.session.execute(statement, params)

    def _write_links(self, table: Table, rows: LinkRows, real: dict[int, int]) -> None:
        now = {(real.get(a, a), real.get(b, b)) for a, b in rows.now}
        first, second = list(table.c)
        gone = sorted(rows.stored - now)
        if gone:
            for start in range(0, len(gone), CHUNK):
                chunk = gone[start : start + CHUNK]
                self.session.execute(delete(table).where(tuple_(first, second).in_(chunk)))
        added = sorted(now - rows.stored)
        if added:
            self.session.execute(insert(table), [{first.name: a, second.name: b} for a, b in added])
