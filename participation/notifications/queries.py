"""Reads for follows and notifications."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.extensions import db
from participation.notifications.models import Notification


def unread_counts_of(user_ids: list[int]):
    """(user_id, unread) for those of `user_ids` with unread notifications: one query for a
    whole fan-out (the live counter, after thousands of followers were notified)."""
    return (
        select(Notification.user_id, func.count())
        .where(Notification.user_id.in_(user_ids), Notification.read_at.is_(None))
        .group_by(Notification.user_id)
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
