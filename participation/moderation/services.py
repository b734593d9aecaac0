"""Reporting and deciding: every write of moderation, each one audited.

A report opens a case for the content (or joins the open one); the count of different people
who reported it is recounted from the rows, and at the site's threshold the content is
hidden until a moderator decides. A decision needs its reasons (the rule and the facts; for
hiding also the category the public sees), changes the content's visibility through the
shared mixin, closes the case and its reports, and tells the author (a statement of reasons,
DSA Art. 17) and every reporter (the outcome).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core import audit, events
from participation.core.content import CONTENT_APPROVED, CONTENT_TYPES, Visibility
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.moderation import content, mails
from participation.moderation.models import (
    REDACTED,
    Action,
    Appeal,
    AppealState,
    CaseOrigin,
    CaseState,
    Decision,
    ModerationCase,
    Report,
    ReportReason,
)

EVENTS = {
    "moderation.reported": "someone reported content",
    "moderation.decided": "a moderator decided a case",
    "moderation.appealed": "an author appealed against a decision",
    "moderation.appeal_decided": "a moderator decided an appeal",
}
HIDDEN_BY_REPORTS = "reports"  # hidden_reason while a case waits: the public sees "being checked"


class ModerationError(ValueError):
    """A write that cannot be done; the message is shown to the person (already translated)."""


class AlreadyReported(ModerationError):
    pass


class HeldByOther(ModerationError):
    pass


def reporter_key(user, remote_addr: str | None) -> str:
    """Who reports, for one report per person: the account, or a keyed hash of the address
    (the address itself is never stored)."""
    if getattr(user, "is_authenticated", False):
        return f"user:{user.id}"
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"report:{remote_addr or ''}".encode(), hashlib.sha256).hexdigest()
    return f"ip:{digest[:40]}"


def open_case_of(target_type: str, target_id: int) -> ModerationCase | None:
    return db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.target_type == target_type,
            ModerationCase.target_id == target_id,
            ModerationCase.state == CaseState.OPEN.value,
        )
    )


def open_case(target_type: str, target_id: int, origin: CaseOrigin) -> ModerationCase:
    case = open_case_of(target_type, target_id)
    if case is None:
        obj = content.load(target_type, target_id)
        place_type, place_id = content.place_of(target_type, obj) if obj is not None else (None, None)
        case = ModerationCase(
            target_type=target_type,
            target_id=target_id,
            origin=origin.value,
            place_type=place_type,
            place_id=place_id,
        )
        db.session.add(case)
        db.session.flush()
    return case


def report(
    target_type: str,
    target_id: int,
    *,
    reporter,
    key: str,
    reason: str,
    explanation: str,
    illegal_location: str | None = None,
    illegal_grounds: str | None = None,
    good_faith: bool = False,
    contact_email: str | None = None,
) -> Report:
    """Add a report (the form has checked its fields); raises AlreadyReported for a second one."""
    obj = content.load(target_type, target_id)
    if obj is None:
        raise ModerationError(_("This content does not exist (any more)."))
    already = db.session.scalar(
        select(Report.id).where(
            Report.target_type == target_type, Report.target_id == target_id, Report.reporter_key == key
        )
    )
    if already is not None:
        raise AlreadyReported(_("You have already reported this. Moderators will look at it."))
    case = open_case(target_type, target_id, CaseOrigin.REPORTS)
    row = Report(
        case_id=case.id,
        target_type=target_type,
        target_id=target_id,
        reason=ReportReason(reason).value,
        explanation=explanation.strip(),
        illegal_location=(illegal_location or "").strip() or None,
        illegal_grounds=(illegal_grounds or "").strip() or None,
        good_faith=good_faith,
        contact_email=(contact_email or "").strip() or None,
        reporter_id=reporter.id if getattr(reporter, "is_authenticated", False) else None,
        reporter_key=key,
    )
    db.session.add(row)
    db.session.flush()
    case.report_count = db.session.scalar(select(func.count(Report.id)).where(Report.case_id == case.id))
    if case.report_count >= current_settings().moderation_report_threshold and obj.is_visible:
        obj.visibility = Visibility.HIDDEN.value
        obj.hidden_reason = HIDDEN_BY_REPORTS
        audit.record(
            None, "moderation.hidden_by_reports", target_type, target_id, after={"reports": case.report_count}
        )
    audit.record(
        reporter if row.reporter_id else None,
        "moderation.reported",
        target_type,
        target_id,
        reason=row.reason,
        after={"case": case.id},
    )
    events.emit(
        "moderation.reported", actor=reporter if row.reporter_id else None, subject=obj, case_id=case.id
    )
    mails.confirm_report(row, content.locate(target_type, obj), reporter)
    return row


def hold(case: ModerationCase, moderator) -> None:
    """Hold the case for `moderator` a few minutes; HeldByOther while another one holds it."""
    now = utcnow()
    if case.held_by_id not in (None, moderator.id) and case.held_until and case.held_until > now:
        raise HeldByOther(_("Another moderator is handling this right now. Try again in a few minutes."))
    case.held_by_id = moderator.id
    case.held_until = now + timedelta(minutes=current_settings().moderation_hold_minutes)


def _visibility_after(action: Action, obj) -> tuple[str, str | None]:
    if action in (Action.HIDE, Action.BLOCK):
        return Visibility.HIDDEN.value, None  # the reason is set from the decision's category
    if action in (Action.APPROVE, Action.RESTORE, Action.REDACT):
        return Visibility.VISIBLE.value, None  # a redacted post is fine once the passage is out
    waiting = obj.visibility == Visibility.PENDING.value
    hidden_by_reports = obj.visibility == Visibility.HIDDEN.value and obj.hidden_reason == HIDDEN_BY_REPORTS
    if action is Action.WARN and (waiting or hidden_by_reports):
        return Visibility.VISIBLE.value, None  # the post may stay; its author is warned
    if action is Action.DISMISS and hidden_by_reports:
        return Visibility.VISIBLE.value, None  # the reports were unfounded: the hide ends
    return obj.visibility, obj.hidden_reason


BLOCK_DAYS = (7, 30, 90, 0)  # 0: for good
FOR_GOOD = datetime(9999, 12, 31, tzinfo=UTC)


def _check_reasons(chosen: Action, obj, rule: str, facts: str, reason_category, passage, block_days) -> None:
    if not rule.strip() or not facts.strip():
        raise ModerationError(_("Give the rule and the facts the decision rests on."))
    if chosen in (Action.HIDE, Action.BLOCK) and reason_category not in {r.value for r in ReportReason}:
        raise ModerationError(_("Choose why the content is hidden."))
    if chosen is Action.DISMISS and obj.visibility == Visibility.PENDING.value:
        raise ModerationError(_("Content that waits for approval is approved or hidden, not dismissed."))
    if chosen is Action.REDACT and not (passage or "").strip():
        raise ModerationError(_("Copy the passage to remove into the field."))
    if chosen is Action.REDACT and passage.strip() not in content.all_text(obj):
        raise ModerationError(_("The passage does not occur in the post; copy it exactly."))
    if chosen is Action.BLOCK and block_days not in BLOCK_DAYS:
        raise ModerationError(_("Choose how long the author is blocked."))
    if chosen is Action.BLOCK and obj.author_id is None:
        raise ModerationError(_("The author's account no longer exists; hide the post instead."))


def _redact(obj, passage: str) -> None:
    """Cut the passage out of every text of the post; the original stays only in the audit."""
    for name in ("title", *content.TEXT_FIELDS):
        text = getattr(obj, name, None)
        if isinstance(text, str) and passage in text:
            setter = getattr(obj, f"set_{name}", None)  # a comment renders its HTML again
            redacted = text.replace(passage, REDACTED)
            setter(redacted) if setter else setattr(obj, name, redacted)


def _block_author(obj, moderator, until: datetime, hide_pending: bool, reason_category: str) -> None:
    author = db.session.get(User, obj.author_id)
    before = author.blocked_until
    author.blocked_until = until
    audit.record(
        moderator,
        "moderation.blocked",
        "user",
        author.id,
        before={"blocked_until": before.isoformat() if before else None},
        after={"blocked_until": until.isoformat()},
    )
    if not hide_pending:
        return
    for cls in CONTENT_TYPES:  # what waits for approval goes with them
        for waiting in db.session.scalars(
            select(cls).where(cls.author_id == author.id, cls.visibility == Visibility.PENDING.value)
        ):
            waiting.visibility, waiting.hidden_reason = Visibility.HIDDEN.value, reason_category
            audit.record(
                moderator,
                "moderation.hide",
                cls.__tablename__,
                waiting.id,
                reason="block",
                before={"visibility": Visibility.PENDING.value},
            )
            waiting_case = open_case_of(cls.__tablename__, waiting.id)
            if waiting_case is not None:
                waiting_case.state, waiting_case.decided_at = CaseState.DECIDED.value, utcnow()


def decide(
    case: ModerationCase,
    moderator,
    action: str,
    *,
    rule: str,
    facts: str,
    reason_category: str | None = None,
    passage: str | None = None,
    block_days: int | None = None,
    hide_pending: bool = False,
) -> Decision:
    """Decide the open case with its reasons; tells the author and the reporters."""
    if case.state != CaseState.OPEN.value:
        raise ModerationError(_("This case has already been decided."))
    hold(case, moderator)
    chosen = Action(action)
    obj = content.load(case.target_type, case.target_id)
    if obj is None:
        raise ModerationError(_("This content does not exist (any more)."))
    _check_reasons(chosen, obj, rule, facts, reason_category, passage, block_days)
    before = {"visibility": obj.visibility, "hidden_reason": obj.hidden_reason}
    if chosen is Action.REDACT:
        before["text"] = content.all_text(obj)  # the original, for the audit only
        _redact(obj, passage.strip())
    was_waiting = obj.visibility == Visibility.PENDING.value
    obj.visibility, obj.hidden_reason = _visibility_after(chosen, obj)
    if chosen in (Action.HIDE, Action.BLOCK):
        obj.hidden_reason = reason_category
    now = utcnow()
    blocked_until = None
    if chosen is Action.BLOCK:
        blocked_until = now + timedelta(days=block_days) if block_days else FOR_GOOD
        _block_author(obj, moderator, blocked_until, hide_pending, reason_category)
    decision = Decision(
        case_id=case.id,
        target_type=case.target_type,
        target_id=case.target_id,
        action=chosen.value,
        reason_category=reason_category if chosen in (Action.HIDE, Action.BLOCK) else None,
        rule=rule.strip(),
        facts=facts.strip(),
        automated=case.origin == CaseOrigin.AUTOMATED.value,
        moderator_id=moderator.id,
        author_id=obj.author_id,
        created_at=now,
        appeal_until=now + timedelta(days=current_settings().moderation_appeal_days),
        blocked_until=blocked_until,
    )
    db.session.add(decision)
    case.state = CaseState.DECIDED.value
    case.decided_at = now
    case.held_by_id = case.held_until = None
    for row in case.reports:
        row.outcome = chosen.value
    db.session.flush()
    audit.record(
        moderator,
        f"moderation.{chosen.value}",
        case.target_type,
        case.target_id,
        reason=f"{decision.rule}: {decision.facts}",
        before=before,
        after={"visibility": obj.visibility, "hidden_reason": obj.hidden_reason},
    )
    mails.tell_author(decision, obj)
    mails.tell_reporters(decision, case.reports)
    events.emit(
        "moderation.decided",
        actor=moderator,
        subject=obj,
        decision_id=decision.id,
        **_for_the_author(case.target_type, obj, decision.id, decision.facts),
    )
    if was_waiting and obj.is_visible:
        events.emit(CONTENT_APPROVED, actor=moderator, subject=obj)
    return decision


def _for_the_author(target_type: str, obj, decision_id: int, text: str) -> dict:
    """What the author's notification in the app needs: whom, on which page, the statement."""
    place_type, place_id = content.place_of(target_type, obj)
    return {
        "author_id": obj.author_id,
        "place_type": place_type,
        "place_id": place_id,
        "statement_path": url_for("moderation.decision", decision_id=decision_id),
        "text": text,
    }


def appeal(decision: Decision, author, text: str) -> Appeal:
    """The author's one complaint against `decision`, within the window (Art. 20)."""
    if decision.author_id is None or decision.author_id != getattr(author, "id", None):
        raise ModerationError(_("Only the author of the content can appeal."))
    if db.session.scalar(select(Appeal.id).where(Appeal.decision_id == decision.id)) is not None:
        raise ModerationError(_("You have already appealed against this decision."))
    if decision.appeal_until is not None and decision.appeal_until < utcnow():
        raise ModerationError(_("The time for an appeal has passed."))
    row = Appeal(decision_id=decision.id, author_id=author.id, text=text.strip())
    db.session.add(row)
    db.session.flush()
    audit.record(
        author,
        "moderation.appealed",
        decision.target_type,
        decision.target_id,
        after={"decision": decision.id, "appeal": row.id},
    )
    events.emit(
        "moderation.appealed",
        actor=author,
        subject=(decision.target_type, decision.target_id),
        appeal_id=row.id,
    )
    return row


def may_decide_appeal(row: Appeal, moderator) -> bool:
    """A different moderator than the one who decided (and not the author)."""
    return moderator.id not in (row.decision.moderator_id, row.author_id)


def _reverse(decision: Decision, obj, moderator) -> None:
    """Undo a decision on appeal: a hidden post is shown again and a block ends; an approval
    is undone by hiding. A warning is withdrawn by the statement alone, and a removed passage
    stays removed (it held personal data; the original is in the audit log)."""
    if decision.action in (Action.HIDE.value, Action.BLOCK.value) and obj is not None:
        obj.visibility, obj.hidden_reason = Visibility.VISIBLE.value, None
    elif (
        decision.action in (Action.APPROVE.value, Action.RESTORE.value, Action.DISMISS.value)
        and obj is not None
    ):
        obj.visibility, obj.hidden_reason = Visibility.HIDDEN.value, ReportReason.OTHER.value
    author = db.session.get(User, decision.author_id) if decision.author_id else None
    if decision.action == Action.BLOCK.value and author is not None and author.blocked_until:
        audit.record(
            moderator,
            "moderation.unblocked",
            "user",
            author.id,
            before={"blocked_until": author.blocked_until.isoformat()},
            after={"blocked_until": None},
        )
        author.blocked_until = None


def decide_appeal(row: Appeal, moderator, outcome: str, explanation: str) -> None:
    if row.state != AppealState.OPEN.value:
        raise ModerationError(_("This appeal has already been decided."))
    if not may_decide_appeal(row, moderator):
        raise ModerationError(_("A different moderator than the one who decided must handle the appeal."))
    chosen = AppealState(outcome)
    decision = row.decision
    obj = content.load(decision.target_type, decision.target_id)
    before = {"visibility": obj.visibility, "hidden_reason": obj.hidden_reason} if obj is not None else {}
    if chosen is AppealState.REVERSED:
        _reverse(decision, obj, moderator)
    row.state = chosen.value
    row.decided_by_id = moderator.id
    row.decided_at = utcnow()
    row.explanation = explanation.strip()
    db.session.flush()
    after = {"visibility": obj.visibility, "hidden_reason": obj.hidden_reason} if obj is not None else {}
    audit.record(
        moderator,
        f"moderation.appeal_{chosen.value}",
        decision.target_type,
        decision.target_id,
        reason=row.explanation,
        before=before,
        after=after,
    )
    mails.tell_appeal_outcome(row)
    told = _for_the_author(decision.target_type, obj, decision.id, row.explanation) if obj is not None else {}
    events.emit(
        "moderation.appeal_decided",
        actor=moderator,
        subject=(decision.target_type, decision.target_id),
        appeal_id=row.id,
        **told,
    )
