"""The content a case is about: any table of core.content's `AuthoredContent`, by name and id.

Moderation never imports the features whose content it handles: it finds the mapped class by
its table name, reads the mixin's columns (author, visibility, hidden reason) and asks
core.targets where the content stands, so ideas, comments, petitions and whatever comes
later are moderated through one mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass

from participation.core import targets
from participation.core.content import CONTENT_TYPES
from participation.extensions import db

_TEXT_FIELDS = ("body", "description", "request", "text", "about")


def content_class(target_type: str) -> type | None:
    for cls in CONTENT_TYPES:
        if cls.__tablename__ == target_type:
            return cls
    return None


def kinds() -> list[str]:
    return sorted(cls.__tablename__ for cls in CONTENT_TYPES)


def load(target_type: str, target_id: int):
    cls = content_class(target_type)
    return db.session.get(cls, target_id) if cls is not None else None


@dataclass(frozen=True)
class Located:
    """Where a piece of content stands, for the queue and the mails."""

    title: str  # the page it is on
    url: str | None  # that page, with the content's anchor where it has one
    text: str  # what it says (for a comment: its body)


def locate(target_type: str, obj) -> Located:
    text = next((str(getattr(obj, name)) for name in _TEXT_FIELDS if getattr(obj, name, None)), "")
    parent_type, parent_id = getattr(obj, "target_type", None), getattr(obj, "target_id", None)
    if parent_type and parent_id is not None:  # a comment: the page of what it comments on
        parent = targets.resolve(parent_type, parent_id)
        if parent is not None:
            return Located(parent.title, f"{parent.url}#comment-{obj.id}", text)
    own = targets.resolve(target_type, obj.id)
    if own is not None:
        return Located(own.title, own.url, text)
    return Located(str(getattr(obj, "title", "") or f"{target_type} {obj.id}"), None, text)
