"""What residents write (ideas, comments, petitions, profile texts) shares one mixin.

Author, visibility state, the reason when hidden and timestamps live in the same columns on
every content table, so moderation, data export, account deletion and the "deleted user"
placeholder work on all of it through one mechanism, and a new content type gets them free.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship

from participation.core import events
from participation.core.models import TimestampMixin
from participation.extensions import db

CONTENT_CREATED = "content.created"
CONTENT_APPROVED = "content.approved"
EVENTS = {
    CONTENT_CREATED: "resident content was written, in any table of the mixin",
    CONTENT_APPROVED: "content that waited for approval is public now",
}

# Where a new piece of content is written: (kind, id) pairs such as ("project", 3) for the
# comments of a project or ("consultation", 5) for its ideas. A check says whether any of them
# wants new content approved before it is public (moderation registers one; features only ask).
Scope = tuple[str, int | None]
_premoderation_checks: list[Callable[[list[Scope]], bool]] = []


class Visibility(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"  # waiting for moderation
    HIDDEN = "hidden"  # hidden by a moderator, with a reason
    DELETED = "deleted"  # withdrawn by its author


VISIBILITY_LABELS = {
    Visibility.VISIBLE: _l("Visible"),
    Visibility.PENDING: _l("Waiting for moderation"),
    Visibility.HIDDEN: _l("Hidden by moderation"),
    Visibility.DELETED: _l("Deleted by its author"),
}

# Every mapped class that uses the mixin, for moderation queues and personal-data handling.
CONTENT_TYPES: list[type] = []


class AuthoredContent(TimestampMixin):
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.VISIBLE.value, index=True)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def author(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.author_id")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__tablename__" in cls.__dict__:
            CONTENT_TYPES.append(cls)

    @property
    def is_visible(self) -> bool:
        return self.visibility == Visibility.VISIBLE.value

    def is_author(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.id == self.author_id

    @property
    def author_name(self) -> str:
        """The public name, or "deleted user" once the author's account is gone."""
        return self.author.public_name if self.author is not None else str(_l("deleted user"))


def init_app() -> None:
    events.declare_all(EVENTS)


def register_premoderation(check: Callable[[list[Scope]], bool]) -> None:
    if check not in _premoderation_checks:
        _premoderation_checks.append(check)


def initial_visibility(*scopes: Scope) -> str:
    """PENDING where new content waits for approval, VISIBLE everywhere else."""
    if any(check(list(scopes)) for check in _premoderation_checks):
        return Visibility.PENDING.value
    return Visibility.VISIBLE.value


@sa_event.listens_for(Session, "after_flush")
def _announce_new_content(session: Session, _flush_context) -> None:
    """Every new row of the mixin is announced once committed, so moderation can check it
    (the word list, links) whatever feature wrote it."""
    if CONTENT_CREATED not in events.KINDS or not has_app_context() or session is not db.session():
        return  # another session (a script's own) announces nothing
    for obj in session.new:
        if isinstance(obj, AuthoredContent):
            events.emit(CONTENT_CREATED, subject=obj, author_id=obj.author_id, visibility=obj.visibility)
