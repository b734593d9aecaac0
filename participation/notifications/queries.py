"""Reads for follows and notifications."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.extensions import db
from participation.notifications.models import Notification


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
