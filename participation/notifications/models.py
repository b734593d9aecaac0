"""Follows and notifications, about anything registered in core.targets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.models import utcnow
from participation.extensions import db


class Follow(db.Model):
    """Whether a person follows an object. Authors follow their own content without a row;
    a row with `active=False` records that someone stopped following, which then also
    silences what they wrote themselves."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follow_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Kinds of notification are a registry: a feature declares its own in its init_app with
# `declare_kind`, with the headline people see (with %(title)s, the object, and %(name)s, who
# did it). The general kinds below serve every feature that has followers (notifications'
# init_app declares them with their GENERAL_HEADLINES).
HEADLINES: dict[str, object] = {}


def declare_kind(name: str, headline) -> str:
    HEADLINES[name] = headline
    return name


class Kind(StrEnum):
    REPLY = "reply"
    COMMENT = "comment"
    STATUS = "status"
    RESPONSE = "response"
    UPDATE = "update"


GENERAL_HEADLINES = {
    Kind.REPLY: _l("%(name)s answered your comment on “%(title)s”"),
    Kind.COMMENT: _l("New comment by %(name)s on “%(title)s”"),
    Kind.STATUS: _l("New status for “%(title)s”"),
    Kind.RESPONSE: _l("The city has answered on “%(title)s”"),
    Kind.UPDATE: _l("New update on “%(title)s”"),
}


class MailState(StrEnum):
    NONE = "none"  # the person wants no mail, or has no confirmed address
    PENDING = "pending"  # waits for the daily digest
    SENT = "sent"


class Notification(db.Model):
    """One event for one person. Title and link are kept as they were at the event, so the
    list needs no lookups in other features' tables."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_mail_state", "mail_state", "user_id"),
        # one notification per person and event, however often the fan-out job runs
        UniqueConstraint("user_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    comment_id: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(500))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mail_state: Mapped[str] = mapped_column(String(10), default=MailState.NONE.value)
    event_id: Mapped[str | None] = mapped_column(String(36))  # core.events.Event.id it came from

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def headline(self) -> str:
        name = self.actor_name or str(_l("deleted user"))
        return str(HEADLINES[self.kind]) % {"title": self.title, "name": name}

    @classmethod
    def for_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id).order_by(cls.created_at.desc(), cls.id.desc())
