from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.models import utcnow
from participation.extensions import db


class AccessibilityFeedback(db.Model):
    """A message sent through the accessibility statement's feedback form (BITV 2.0 §7)."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reply_email: Mapped[str | None] = mapped_column(String(320))
    page_url: Mapped[str | None] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Staff mark feedback as handled once they have fixed the barrier or answered (BITV 2.0 §7
    # asks public bodies to respond); the note says what was done, for colleagues and the audit.
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    handling_note: Mapped[str | None] = mapped_column(Text)

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None

    @classmethod
    def newest_first(cls, handled: bool | None = None):
        """Newest first; only open (`handled=False`) or only handled (`True`) ones if asked."""
        query = select(cls).order_by(cls.id.desc())
        if handled is not None:
            query = query.where(cls.handled_at.is_not(None) if handled else cls.handled_at.is_(None))
        return query
