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

    @classmethod
    def newest_first(cls):
        return select(cls).order_by(cls.id.desc())
