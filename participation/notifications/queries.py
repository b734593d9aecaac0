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


UNREAD_ALONG = "unread_notifications"  # its name among the figures read with the signed-in user


def unread_of(user_id_column):
    """The unread count as a scalar subquery on a user id column, for the sign-in lookup
    (accounts.sessions.read_along): the header shows it on every page."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
