"""Reports, the cases they open, moderators' decisions with their statements of reasons, and
appeals: notice and action (DSA Art. 16), statements of reasons (Art. 17), internal
complaint handling (Art. 20), and the figures of the transparency report (Art. 15, 24).

A case is one piece of resident content (any `AuthoredContent` table, by table name and id)
while it waits for a moderator; every report on it, and the automated flag that opened it,
point to it. A decided case stays as history; new reports on the same content open a new one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.models import utcnow
from participation.extensions import db


class ReportReason(StrEnum):
    SPAM = "spam"
    INSULT = "insult"  # insult or hate
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    MISINFORMATION = "misinformation"
    ILLEGAL = "illegal"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.INSULT: _l("Insult or hate"),
    ReportReason.PERSONAL_DATA: _l("Personal data of others"),
    ReportReason.OFF_TOPIC: _l("Off-topic"),
    ReportReason.MISINFORMATION: _l("Misinformation"),
    ReportReason.ILLEGAL: _l("Illegal content"),
    ReportReason.OTHER: _l("Something else"),
}


class CaseState(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class CaseOrigin(StrEnum):
    REPORTS = "reports"  # people reported it
    AUTOMATED = "automated"  # the word list or the link heuristic flagged it
    PRE_MODERATION = "pre_moderation"  # it waits for approval before anyone sees it


class Action(StrEnum):
    APPROVE = "approve"  # visible; the reports were unfounded or the pending item may appear
    HIDE = "hide"  # the public sees a placeholder with the reason category
    RESTORE = "restore"  # a hidden item becomes visible again
    DISMISS = "dismiss"  # the reports are closed, nothing changes on the content
    REDACT = "redact"  # a passage (personal data) is cut out; the original stays in the audit log
    WARN = "warn"  # the content stays as it is; the author is warned
    BLOCK = "block"  # the content is hidden and its author cannot write for a time or for good


ACTION_LABELS = {
    Action.APPROVE: _l("Approve"),
    Action.HIDE: _l("Hide"),
    Action.RESTORE: _l("Restore"),
    Action.DISMISS: _l("Dismiss the reports"),
    Action.REDACT: _l("Remove a passage"),
    Action.WARN: _l("Warn the author"),
    Action.BLOCK: _l("Hide and block the author"),
}
REDACTED = "[…]"  # what stands where a passage was removed


class ModerationCase(db.Model):
    __tablename__ = "moderation_case"
    __table_args__ = (
        # the queue: open cases, oldest first, and "is there an open case for this item?"
        Index("ix_moderation_case_state_opened", "state", "opened_at"),
        Index("ix_moderation_case_target", "target_type", "target_id", "state"),
        Index("ix_moderation_case_place", "state", "place_type", "place_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))  # the content's table name
    target_id: Mapped[int]
    state: Mapped[str] = mapped_column(String(10), default=CaseState.OPEN.value)
    origin: Mapped[str] = mapped_column(String(20), default=CaseOrigin.REPORTS.value)
    flag_reason: Mapped[str | None] = mapped_column(String(200))  # what the automated check found
    # Where the content stands (a comment's project or paper, an idea's consultation), for the
    # queue's filter by place.
    place_type: Mapped[str | None] = mapped_column(String(40))
    place_id: Mapped[int | None]
    # Derived from the reports (recounted, never incremented) so the queue can sort without a join.
    report_count: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    # A moderator handling the case holds it for a few minutes so two do not decide at once.
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    held_until: Mapped[datetime | None]

    reports: Mapped[list[Report]] = relationship(back_populates="case", order_by="Report.created_at")
    held_by = relationship("User", foreign_keys=[held_by_id])


class Report(db.Model):
    __tablename__ = "moderation_report"
    __table_args__ = (
        # one report per person per item: a signed-in reporter by account, others by a keyed hash
        UniqueConstraint("target_type", "target_id", "reporter_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    # Art. 16(2): for illegal content, where exactly it is and why it is illegal
    illegal_location: Mapped[str | None] = mapped_column(Text)
    illegal_grounds: Mapped[str | None] = mapped_column(Text)
    good_faith: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_email: Mapped[str | None] = mapped_column(String(320))  # told of the outcome
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reporter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(20))  # the decision's action, once decided

    case: Mapped[ModerationCase] = relationship(back_populates="reports")


class Decision(db.Model):
    """What a moderator decided on a case, with the statement of reasons the author receives."""

    __tablename__ = "moderation_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    reason_category: Mapped[str | None] = mapped_column(String(20))  # a ReportReason, when hidden
    rule: Mapped[str] = mapped_column(String(200))  # the rule of the terms of use or the law
    facts: Mapped[str] = mapped_column(Text)  # the facts and circumstances relied on
    automated: Mapped[bool] = mapped_column(Boolean, default=False)  # automated means were used
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    appeal_until: Mapped[datetime | None]  # six months for the author to appeal (Art. 20)
    blocked_until: Mapped[datetime | None]  # for a block: until when the author cannot write

    case: Mapped[ModerationCase] = relationship()
    moderator = relationship("User", foreign_keys=[moderator_id])


class AppealState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the decision stands
    REVERSED = "reversed"  # the decision is undone


class Appeal(db.Model):
    """The author's complaint against a decision (Art. 20): once, within the window, decided
    by a moderator other than the one who decided."""

    __tablename__ = "moderation_appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_decision.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=AppealState.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    explanation: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[Decision] = relationship()


class PreModeration(db.Model):
    """Where new content waits for approval: ("consultation", id) for its ideas, a project's or
    paper's comments by (kind, id), ("petition", None) for the comments on every petition."""

    __tablename__ = "moderation_premoderation"
    __table_args__ = (UniqueConstraint("scope_type", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_type: Mapped[str] = mapped_column(String(40))
    scope_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class WatchWord(db.Model):
    """A word or phrase that puts new content into the queue (it stays visible meanwhile)."""

    __tablename__ = "moderation_watch_word"
    __table_args__ = (UniqueConstraint("locale", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(5))
    word: Mapped[str] = mapped_column(String(100))


# The kinds of content by table name, for the queue's filter and the transparency report.
KIND_LABELS = {
    "comment": _l("Comment"),
    "idea": _l("Idea"),
    "petition": _l("Petition"),
}
