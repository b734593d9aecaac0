"""Writing OParl objects as rows: upserts by OParl id, references, and what waits for later.

- One SAVEPOINT per object from a list (with everything embedded in it): a malformed object,
  or one the database refuses, is rolled back whole and reported; the rest goes on. What the
  object would have added to the importer's own memory (ids, pending links, counts) is kept
  aside until the SAVEPOINT is released, so a rolled-back object leaves no trace there either.
- A row changes only when a value differs; then `modified` is the source's (the model's
  `onupdate` would put the time of the import there, so it is always set explicitly), and a
  second run over the same data changes nothing.
- A reference to an object not imported yet is remembered and resolved after the pass (the
  paper list may name a paper of the next page); what is still missing then is fetched by its
  id; what cannot be had is reported and left out. An object that cannot exist without the one
  it names (a membership without its organization) waits for the end of the pass.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import String, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from participation.core.models import utcnow
from participation.council.importer.quirks import Values
from participation.council.importer.report import Report
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

MODELS = {
    "Body": Body,
    "LegislativeTerm": LegislativeTerm,
    "Organization": Organization,
    "Person": Person,
    "Membership": Membership,
    "Meeting": Meeting,
    "AgendaItem": AgendaItem,
    "Paper": Paper,
    "Consultation": PaperConsultation,
    "File": File,
    "Location": Location,
}
MAX_ID_LENGTH = 500


class Malformed(ValueError):
    """The object cannot be imported as it is; it is skipped and reported."""


class MissingRequired(Exception):
    """A reference the row cannot do without points at nothing we have (yet)."""

    def __init__(self, oparl_type: str, oparl_id: str):
        super().__init__(f"{oparl_type} {oparl_id} is not here yet")
        self.oparl_type = oparl_type
        self.oparl_id = oparl_id


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
    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: list[PendingLink] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


@dataclass
class Upsert:
    """One row being written: whether it is new, and whether anything about it changed."""

    oparl_type: str
    row: object
    values: Values
    new: bool
    changed: bool = False
    modified: object = None  # what `modified` is to be once anything changed


class RowWriter:
    def __init__(self, session: Session, report: Report, fetch: Callable[[str], dict | None] | None = None):
        self.session = session
        self.report = report
        self.fetch = fetch or (lambda url: None)
        self.ids: dict[tuple[str, str], int] = {}
        self.pending: list[PendingLink] = []
        self.waiting: list[Waiting] = []
        self.unreachable: set[tuple[str, str]] = set()
        self._stage: Stage | None = None
        self._lengths: dict[tuple[type, str], int | None] = {}
        for name, model in MODELS.items():
            for oparl_id, pk in session.execute(
                select(model.oparl_id, model.id).where(model.oparl_id.is_not(None))
            ):
                self.ids[(name, oparl_id)] = pk

    # -- the SAVEPOINT per object ----------------------------------------------------------
    def import_top(self, doc, oparl_type: str, parent: dict | None = None) -> bool:
        """Import one object of a list (with what it embeds) or nothing of it."""
        where = doc.get("id") if isinstance(doc, dict) else None
        self._stage = Stage()
        try:
            with self.session.begin_nested():
                self.import_object(doc, oparl_type, parent or {})
        except Exception as error:  # noqa: BLE001 - whatever went wrong, this object is skipped whole
            self._stage = None
            self.report.skip(str(where or repr(doc)[:80]), f"{type(error).__name__}: {error}")
            return False
        stage, self._stage = self._stage, None
        self.ids.update(stage.ids)
        self.pending.extend(stage.pending)
        self.waiting.extend(stage.waiting)
        self.report.merge_counts(stage.counts)
        return True

    def import_object(self, doc, oparl_type: str, parent: dict):  # overridden by the Mapper
        raise NotImplementedError

    # -- lookups -----------------------------------------------------------------------------
    def lookup(self, oparl_type: str, oparl_id: str | None) -> int | None:
        if not oparl_id:
            return None
        key = (oparl_type, oparl_id)
        if self._stage is not None and key in self._stage.ids:
            return self._stage.ids[key]
        return self.ids.get(key)

    def _count(self, oparl_type: str, outcome: str) -> None:
        if self._stage is not None:
            self._stage.counts[oparl_type][outcome] += 1
        else:
            self.report.count(oparl_type, outcome)

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
            row = model(oparl_id=oparl_id, **values)
            row.created = created or modified or now
            row.modified = modified or created or now
            self.session.add(row)
            self.session.flush()
            self._stage.ids[(oparl_type, oparl_id)] = row.id
            return Upsert(oparl_type, row, v, new=True, modified=row.modified)
        row = self.session.get(model, pk)
        up = Upsert(oparl_type, row, v, new=False, modified=modified or utcnow())
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                self.changed(up)
        if created is not None and row.created != created:
            row.created = created
            self.changed(up)
        if modified is not None and row.modified != modified:
            self.changed(up)
        return up

    def changed(self, up: Upsert) -> None:
        """Something about the row differs: `modified` goes into the same UPDATE, whenever an
        autoflush sends it (else the model's onupdate would put the time of the import there)."""
        up.changed = up.changed or not up.new
        self.keep_modified(up.row, up.modified)

    def done(self, up: Upsert) -> None:
        """Count the row; a changed row gets the source's `modified` (or now, if it has none)."""
        if up.new:
            self._count(up.oparl_type, "created")
            return
        self._count(up.oparl_type, "updated" if up.changed else "unchanged")

    def keep_modified(self, row, modified) -> None:
        row.modified = modified
        flag_modified(row, "modified")  # in the UPDATE, so the model's onupdate leaves it alone

    def tombstone(self, oparl_type: str, doc: dict, v: Values) -> object | None:
        """A deleted object (spec 2.8): the row is kept and marked; nothing else of it changes,
        since a tombstone may blank every other attribute. One we never had is nothing to do."""
        pk = self.lookup(oparl_type, doc["id"])
        if pk is None:
            self.report.warn("tombstone-of-unknown-object", f"{oparl_type} {doc['id']}")
            return None
        row = self.session.get(MODELS[oparl_type], pk)
        if row.deleted:
            self._count(oparl_type, "unchanged")
        else:
            row.deleted = True
            self.keep_modified(row, v.timestamp("modified") or utcnow())
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
            pk = getattr(up.row, fk)  # what it was stays until the target arrives
        self.set_value(up, fk, pk)

    def set_value(self, up: Upsert, key: str, value) -> None:
        if getattr(up.row, key) != value:
            setattr(up.row, key, value)
            self.changed(up)

    def collection(
        self, up: Upsert, attr: str, target_type: str, refs: list, *, add_only: bool = False
    ) -> None:
        """A list of references (OParl ids, or rows already imported) as a relationship."""
        model = MODELS[target_type]
        wanted: list[int] = []
        for ref in refs:
            pk = ref.id if isinstance(ref, model) else self.lookup(target_type, ref)
            if pk is None:
                self._stage.pending.append(
                    PendingLink(up.oparl_type, up.row.id, attr, target_type, ref, True)
                )
            elif pk not in wanted:
                wanted.append(pk)
        current = [] if up.new else getattr(up.row, attr)
        current_ids = {target.id for target in current}
        if add_only:
            wanted = [pk for pk in wanted if pk not in current_ids]
            if wanted:
                getattr(up.row, attr).extend(self.session.get(model, pk) for pk in wanted)
                self.changed(up)
            return
        if set(wanted) != current_ids:
            setattr(up.row, attr, [self.session.get(model, pk) for pk in wanted])
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
        for link in pending:
            pk = self.lookup(link.target_type, link.target_id)
            if pk is None:
                self.report.warn(
                    "unresolved-reference",
                    f"{link.owner_type} {link.owner_id} {link.attr} -> {link.target_type} {link.target_id}",
                )
                continue
            owner = self.session.get(MODELS[link.owner_type], link.owner_id)
            if owner is None:
                continue
            if link.collection:
                target = self.session.get(MODELS[link.target_type], pk)
                if target not in getattr(owner, link.attr):
                    getattr(owner, link.attr).append(target)
            elif getattr(owner, link.attr) != pk:
                setattr(owner, link.attr, pk)
                self.keep_modified(owner, owner.modified)
        self.session.flush()
