"""Comments and their votes. Both refer to what they are about as (target_type, target_id)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.content import AuthoredContent, Visibility
from participation.core.models import utcnow
from participation.core.sanitize import render_markdown
from participation.extensions import db

MAX_LENGTH = 2000
MAX_DEPTH = 2  # top level is 0: three levels in all
EDIT_WINDOW = timedelta(minutes=15)
PAGE_SIZE = 20
REPLIES_SHOWN = 10  # per thread in lists; the permalink shows the whole thread


class Stance(StrEnum):
    FOR = "for"
    NEUTRAL = "neutral"
    AGAINST = "against"


STANCE_LABELS = {
    Stance.FOR: _l("In favour"),
    Stance.NEUTRAL: _l("Neutral"),
    Stance.AGAINST: _l("Against"),
}


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    HELPFUL = "helpful"


SORT_LABELS = {
    Sort.NEWEST: _l("Newest first"),
    Sort.OLDEST: _l("Oldest first"),
    Sort.HELPFUL: _l("Most helpful first"),
}


class Comment(AuthoredContent, db.Model):
    """A comment or a reply. `root_id` names the top-level comment of the thread (NULL on
    the top-level comment itself), so a page of threads loads its replies in one query."""

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_target_top", "target_type", "target_id", "parent_id", "created_at"),
        CheckConstraint("depth >= 0 AND depth <= 2", name="depth_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    body: Mapped[str] = mapped_column(Text)
    # `body` through the one bleach policy, stored at writing time: rendering Markdown is
    # most of a thread page's time. `flask comments rerender` refreshes it after a policy change.
    body_html: Mapped[str] = mapped_column(Text, default="")
    stance: Mapped[str | None] = mapped_column(String(10))
    # Written with the city's voice: the author was staff when writing it.
    is_official: Mapped[bool] = mapped_column(default=False)
    edited_at: Mapped[datetime | None]

    def set_body(self, text: str) -> None:
        self.body = text
        self.body_html = str(render_markdown(text)) if text else ""

    @property
    def html(self) -> Markup:
        if self.body_html or not self.body:
            return Markup(self.body_html)  # noqa: S704 - made by render_markdown in set_body
        return render_markdown(self.body)

    @property
    def is_deleted(self) -> bool:
        return self.visibility == Visibility.DELETED.value

    @property
    def thread_id(self) -> int:
        return self.root_id or self.id

    @property
    def stance_label(self) -> str | None:
        return STANCE_LABELS[Stance(self.stance)] if self.stance else None

    def can_edit(self, user, now: datetime | None = None) -> bool:
        """Only its author, only while visible and only within the first 15 minutes."""
        now = now or utcnow()
        return self.is_author(user) and self.is_visible and now - self.created_at <= EDIT_WINDOW

    def can_delete(self, user) -> bool:
        return self.is_author(user) and self.visibility in (
            Visibility.VISIBLE.value,
            Visibility.PENDING.value,
        )

    def accepts_replies(self) -> bool:
        return self.is_visible and self.depth < MAX_DEPTH


class CommentVote(db.Model):
    """One person's up (+1) or down (-1) vote on a comment; sums are derived from the rows."""

    __tablename__ = "comment_vote"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
