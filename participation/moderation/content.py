"""The content a case is about: any table of core.content's `AuthoredContent`, by name and id.

Moderation never imports the features whose content it handles: it finds the mapped class by
its table name, reads the mixin's columns (author, visibility, hidden reason) and asks
core.targets where the content stands, so ideas, comments, petitions and whatever comes
later are moderated through one mechanism.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from participation.core import targets
from participation.core.content import CONTENT_TYPES
from participation.extensions import db

TEXT_FIELDS = ("body", "description", "request", "background", "text", "about")


def content_class(target_type: str) -> type | None:
    for cls in CONTENT_TYPES:
        if cls.__tablename__ == target_type:
            return cls
    return None


def kinds() -> list[str]:
    return sorted(cls.__tablename__ for cls in CONTENT_TYPES)


def _mapped_class(table_name: str) -> type | None:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    return None


def preload(pairs: Iterable[tuple[str | None, int | None]]) -> list:
    """Load these (table name, id) objects with one query per table, so that `load` and
    core.targets find them in the session instead of asking one by one (a queue page shows
    25 posts and the pages they stand on). Keep the returned list while they are used: the
    session holds its objects only weakly."""
    by_table: dict[str, set[int]] = defaultdict(set)
    for table_name, object_id in pairs:
        if table_name and object_id is not None:
            by_table[table_name].add(object_id)
    loaded = []
    for table_name, ids in by_table.items():
        cls = _mapped_class(table_name)
        if cls is not None:
            loaded.extend(db.session.scalars(select(cls).where(cls.id.in_(sorted(ids)))))
    return loaded


def load(target_type: str, target_id: int):
    cls = content_class(target_type)
    return db.session.get(cls, target_id) if cls is not None else None


def place_of(target_type: str, obj) -> tuple[str, int]:
    """Where the content stands, as a (kind, id) of core.targets: the object a comment is on,
    an idea's consultation, or the content itself (a petition)."""
    parent_type, parent_id = getattr(obj, "target_type", None), getattr(obj, "target_id", None)
    if parent_type and parent_id is not None:
        return parent_type, parent_id
    if getattr(obj, "consultation_id", None) is not None:
        return "consultation", obj.consultation_id
    return target_type, obj.id


def thread_around(target_type: str, obj, replies: int = 10) -> tuple[object | None, list]:
    """For a comment: the one it answers and the first answers to it (a moderator judges a
    reply by what it replies to); for other content nothing."""
    cls = content_class(target_type)
    if cls is None or not hasattr(cls, "parent_id"):
        return None, []
    parent = db.session.get(cls, obj.parent_id) if obj.parent_id else None
    answers = db.session.scalars(
        select(cls).where(cls.parent_id == obj.id).order_by(cls.created_at, cls.id).limit(replies)
    )
    return parent, list(answers)


def all_text(obj) -> str:
    """Everything a person wrote in it (title and texts), for the automated checks."""
    parts = [getattr(obj, "title", None)] + [getattr(obj, name, None) for name in TEXT_FIELDS]
    return "\n".join(str(part) for part in parts if part)


@dataclass(frozen=True)
class Located:
    """Where a piece of content stands, for the queue and the mails."""

    title: str  # the page it is on
    url: str | None  # that page, with the content's anchor where it has one
    text: str  # what it says (for a comment: its body)


def locate(target_type: str, obj) -> Located:
    text = next((str(getattr(obj, name)) for name in TEXT_FIELDS if getattr(obj, name, None)), "")
    parent_type, parent_id = getattr(obj, "target_type", None), getattr(obj, "target_id", None)
    if parent_type and parent_id is not None:  # a comment: the page of what it comments on
        parent = targets.resolve(parent_type, parent_id)
        if parent is not None:
            return Located(parent.title, f"{parent.url}#comment-{obj.id}", text)
    own = targets.resolve(target_type, obj.id)
    if own is not None:
        return Located(own.title, own.url, text)
    return Located(str(getattr(obj, "title", "") or f"{target_type} {obj.id}"), None, text)
