"""Writing OParl objects as rows: upserts by OParl id, references, and what waits for later.

- Rows are written a list page at a time, each object of it whole or not at all (batch.py): a
  malformed object, or one the database refuses, leaves nothing behind and is reported; the
  rest goes on.
- A row changes only when a value differs; then `modified` is the source's (it is always
  written with the row, or the column's `onupdate` would put the time of the import there),
  and a second run over the same data changes nothing.
- A reference to an object not imported yet is remembered and resolved after the pass (the
  paper list may name a paper of the next page); what is still missing then is fetched by its
  id; what cannot be had is reported and left out. An object that cannot exist without the one
  it names (a membership without its organization) waits for the end of the pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String

from participation.core.models import utcnow
from participation.council.importer.batch import BatchImport
from participation.council.importer.quirks import Values
from participation.council.importer.state import MODELS, PageRows, PendingLink, RowState, Waiting, link_of

MAX_ID_LENGTH = 500

__all__ = ["MAX_ID_LENGTH", "MODELS", "Malformed", "MissingRequired", "RowState", "RowWriter", "Upsert"]


class Malformed(ValueError):
    """The object cannot be imported as it is; it is skipped and reported."""


class MissingRequired(Exception):
    """A reference the row cannot do without points at nothing we have (yet)."""

    def __init__(self, oparl_type: str, oparl_id: str):
        super().__init__(f"{oparl_type} {oparl_id} is not here yet")
        self.oparl_type = oparl_type
        self.oparl_id = oparl_id


@dataclass
class Upsert:
    """One row being written: whether it is new, and whether anything about it changed."""

    oparl_type: str
    row: RowState
    values: Values
    new: bool
    changed: bool = False
    modified: object = None  # what `modified` is to be once anything changed


class RowWriter(BatchImport):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lengths: dict[tuple[type, str], int | None] = {}

    def _fit(self, model, key: str, value):
        """Strings cut to their column's length (PostgreSQL refuses longer ones), with a warning."""
        if not isinstance(value, str):
            return value
        if (model, key) not in self._lengths:
            column = model.__table__.c.get(key)
            length = column.type.length if column is not None and isinstance(column.type, String) else None
            self._lengths[(model, key)] = length
        length = self._lengths[(model, key)]
        if length and len(value) > length:
            self.report.warn(
                "value-too-long", f"{model.__name__}.{key}: {len(value)} characters cut to {length}"
            )
            return value[: length - 1] + "…"
        return value

    # -- rows --------------------------------------------------------------------------------
    def upsert(self, oparl_type: str, doc: dict, v: Values, values: dict) -> Upsert:
        model = MODELS[oparl_type]
        oparl_id = doc["id"]
        values = {key: self._fit(model, key, value) for key, value in values.items()}
        values.update(
            web=self._fit(model, "web", v.url("web")),
            license=self._fit(model, "license", v.text("license")),
            keyword=v.strings("keyword"),
            deleted=False,
        )
        created, modified = v.timestamp("created"), v.timestamp("modified")
        pk = self.lookup(oparl_type, oparl_id)
        if pk is None:
            now = utcnow()
            if created is None and modified is None:
                self.report.warn("no-timestamps", f"{oparl_type} {oparl_id}: the time of import is used")
            values.update(
                oparl_id=oparl_id, created=created or modified or now, modified=modified or created or now
            )
            row = self._page.create(oparl_type, -next(self._numbers), values)
            self._stage.ids[(oparl_type, oparl_id)] = row.id
            return Upsert(oparl_type, row, v, new=True, modified=row.modified)
        row = self.row(oparl_type, pk)
        up = Upsert(oparl_type, row, v, new=False, modified=modified or utcnow())
        for key, value in values.items():
            if row.get(key) != value:
                self._page.assign(row, key, value)
                self.changed(up)
        if created is not None and row.created != created:
            self._page.assign(row, "created", created)
            self.changed(up)
        if modified is not None and row.modified != modified:
            self.changed(up)
        return up

    def changed(self, up: Upsert) -> None:
        """Something about the row differs: `modified` goes into the same UPDATE."""
        up.changed = up.changed or not up.new
        self.keep_modified(up.row, up.modified)

    def done(self, up: Upsert) -> None:
        """Count the row; a changed row gets the source's `modified` (or now, if it has none)."""
        if up.new:
            self._count(up.oparl_type, "created")
            return
        self._count(up.oparl_type, "updated" if up.changed else "unchanged")

    def keep_modified(self, row: RowState, modified) -> None:
        self._page.assign(row, "modified", modified, force=True)

    def mark_deleted(self, row: RowState, modified) -> None:
        self._page.assign(row, "deleted", True)
        self.keep_modified(row, modified)

    def tombstone(self, oparl_type: str, doc: dict, v: Values) -> RowState | None:
        """A deleted object (spec 2.8): the row is kept and marked; nothing else of it changes,
        since a tombstone may blank every other attribute. One we never had is nothing to do."""
        pk = self.lookup(oparl_type, doc["id"])
        if pk is None:
            self.report.warn("tombstone-of-unknown-object", f"{oparl_type} {doc['id']}")
            return None
        row = self.row(oparl_type, pk)
        if row.deleted:
            self._count(oparl_type, "unchanged")
        else:
            self.mark_deleted(row, v.timestamp("modified") or utcnow())
            self._count(oparl_type, "deleted")
        return row

    # -- references --------------------------------------------------------------------------
    def required(self, oparl_type: str, oparl_id: str | None) -> int:
        pk = self.lookup(oparl_type, oparl_id)
        if pk is None:
            if not oparl_id:
                raise Malformed(f"the {oparl_type} it belongs to is not given")
            raise MissingRequired(oparl_type, oparl_id)
        return pk

    def reference(self, up: Upsert, fk: str, target_type: str, target_id: str | None) -> None:
        """A foreign key to an object of ours by its OParl id; later if it is not here yet."""
        pk = self.lookup(target_type, target_id)
        if target_id and pk is None:
            self._stage.pending.append(
                PendingLink(up.oparl_type, up.row.id, fk, target_type, target_id, False)
            )
            if up.new:
                return
            pk = up.row.get(fk)  # what it was stays until the target arrives
        self.set_value(up, fk, pk)

    def set_value(self, up: Upsert, key: str, value) -> None:
        if up.row.get(key) != value:
            self._page.assign(up.row, key, value)
            self.changed(up)

    def collection(
        self, up: Upsert, attr: str, target_type: str, refs: Iterable, *, add_only: bool = False
    ) -> None:
        """A list of references (OParl ids, or rows already imported) as a relationship."""
        wanted: list[int] = []
        for ref in refs:
            pk = ref.id if isinstance(ref, RowState) else self.lookup(target_type, ref)
            if pk is None:
                self._stage.pending.append(
                    PendingLink(up.oparl_type, up.row.id, attr, target_type, ref, True)
                )
            elif pk not in wanted:
                wanted.append(pk)
        link = link_of(up.oparl_type, attr)
        current = self.writer.linked(self._page, link, up.row.id, new=up.new)
        if add_only:
            added = [pk for pk in wanted if pk not in current]
            for pk in added:
                self._page.link(link, up.row.id, pk)
            if added:
                self.changed(up)
            return
        if set(wanted) != current:
            for pk in current - set(wanted):
                self._page.unlink(link, up.row.id, pk)
            for pk in wanted:
                if pk not in current:
                    self._page.link(link, up.row.id, pk)
            self.changed(up)

    def wait(self, doc: dict, oparl_type: str, parent: dict, missing: MissingRequired) -> None:
        self._stage.waiting.append(Waiting(doc, oparl_type, parent, (missing.oparl_type, missing.oparl_id)))

    # -- after the pass ------------------------------------------------------------------------
    def resolve(self, *, rounds: int = 3, budget: int = 1000) -> None:
        """Fetch what references name and no list brought, retry what waited, link the rest."""
        for _ in range(rounds):
            missing = {(p.target_type, p.target_id) for p in self.pending}
            missing |= {w.needs for w in self.waiting}
            missing = {key for key in missing if self.lookup(*key) is None and key not in self.unreachable}
            for oparl_type, oparl_id in sorted(missing):
                if budget <= 0:
                    self.report.warn("reference-budget-spent", "further missing objects are not fetched")
                    self.unreachable.add((oparl_type, oparl_id))
                    continue
                budget -= 1
                doc = self.fetch(oparl_id)
                if (
                    doc is None
                    or not self.import_top(doc, oparl_type)
                    or self.lookup(oparl_type, oparl_id) is None
                ):
                    self.unreachable.add((oparl_type, oparl_id))
            waiting, self.waiting = self.waiting, []
            for item in waiting:
                self.import_top(item.doc, item.oparl_type, item.parent)
            if not missing and not waiting:
                break
        for item in self.waiting:
            self.report.skip(
                str(item.doc.get("id")), f"needs {item.needs[0]} {item.needs[1]}, which cannot be had"
            )
        self.waiting = []
        self._link_pending()

    def _link_pending(self) -> None:
        pending, self.pending = self.pending, []
        self._page = page = PageRows()
        owners: dict[str, list[int]] = {}
        for link in pending:
            owners.setdefault(link.owner_type, []).append(link.owner_id)
        for oparl_type, pks in owners.items():
            self.writer.load(page, oparl_type, pks)
        for link in pending:
            pk = self.lookup(link.target_type, link.target_id)
            if pk is None:
                self.report.warn(
                    "unresolved-reference",
                    f"{link.owner_type} {link.owner_id} {link.attr} -> {link.target_type} {link.target_id}",
                )
                continue
            owner = self.row(link.owner_type, link.owner_id)
            if owner is None:
                continue
            if link.collection:
                table_link = link_of(link.owner_type, link.attr)
                if pk not in self.writer.linked(page, table_link, owner.id, new=False):
                    page.link(table_link, owner.id, pk)
            elif owner.get(link.attr) != pk:
                page.assign(owner, link.attr, pk)
                self.keep_modified(owner, owner.modified)
        self.writer.write(page)
        self._page = None
