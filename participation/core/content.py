"""What residents write (ideas, comments, petitions, profile texts) shares one mixin.

Author, visibility state, the reason when hidden and timestamps live in the same columns on
every content table, so moderation, data export, account deletion and the "deleted user"
placeholder work on all of it through one mechanism, and a new content type gets them free.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from participation.core.models import TimestampMixin


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
