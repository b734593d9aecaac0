"""Demo moderation from seeds/moderation/moderation.yaml: reported comments on the demo
projects, one hidden with a statement of reasons and appealed, the rest in the queue, and
the watch-word lists the automated check starts with.

Written straight through the models with the dates of the seed file (the services would
stamp everything "now" and send mails); idempotent by the comment's text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.comments.models import Comment
from participation.core.content import Visibility
from participation.core.models import utcnow
from participation.extensions import db
from participation.moderation.models import Appeal, CaseState, Decision, ModerationCase, Report, WatchWord
from participation.projects.models import Project


def seed_moderation(seeds_dir: Path) -> dict[str, int]:
    data = yaml.safe_load((seeds_dir / "moderation" / "moderation.yaml").read_text(encoding="utf-8"))
    counts = {"moderation_cases": 0, "moderation_reports": 0, "watch_words": 0}
    now = utcnow()
    for locale, words in (data.get("watch_words") or {}).items():
        for word in words:
            folded = word.casefold()
            if db.session.scalar(
                select(WatchWord.id).where(WatchWord.locale == locale, WatchWord.word == folded)
            ):
                continue
            db.session.add(WatchWord(locale=locale, word=folded))
            counts["watch_words"] += 1
    for entry in data["cases"]:
        if db.session.scalar(select(Comment.id).where(Comment.body == entry["body"])) is not None:
            continue
        project = db.session.scalar(select(Project).where(Project.slug == entry["project"]))
        author = db.session.scalar(User.by_email(entry["author"]))
        if project is None or author is None:
            continue
        written = now - timedelta(days=entry["days_ago"])
        comment = Comment(
            target_type="project",
            target_id=project.id,
            author_id=author.id,
            created_at=written,
            updated_at=written,
        )
        comment.set_body(entry["body"])
        db.session.add(comment)
        db.session.flush()
        case = ModerationCase(
            target_type="comment",
            target_id=comment.id,
            place_type="project",
            place_id=project.id,
            opened_at=now - timedelta(days=max(r["days_ago"] for r in entry["reports"])),
        )
        db.session.add(case)
        db.session.flush()
        for number, row in enumerate(entry["reports"]):
            reporter = None if row["by"] == "anonymous" else db.session.scalar(User.by_email(row["by"]))
            db.session.add(
                Report(
                    case_id=case.id,
                    target_type="comment",
                    target_id=comment.id,
                    reason=row["reason"],
                    explanation=row["explanation"],
                    reporter_id=reporter.id if reporter else None,
                    reporter_key=f"user:{reporter.id}" if reporter else f"ip:demo-{comment.id}-{number}",
                    created_at=now - timedelta(days=row["days_ago"]),
                )
            )
            counts["moderation_reports"] += 1
        db.session.flush()
        case.report_count = db.session.scalar(select(func.count(Report.id)).where(Report.case_id == case.id))
        if "decision" in entry:
            _decided(case, comment, entry["decision"], now)
        counts["moderation_cases"] += 1
    return counts


def _decided(case: ModerationCase, comment: Comment, entry: dict, now) -> None:
    moderator = db.session.scalar(User.by_email(entry["by"]))
    when = now - timedelta(days=entry["days_ago"])
    comment.visibility = Visibility.HIDDEN.value
    comment.hidden_reason = entry["reason_category"]
    case.state, case.decided_at = CaseState.DECIDED.value, when
    decision = Decision(
        case_id=case.id,
        target_type="comment",
        target_id=comment.id,
        action=entry["action"],
        reason_category=entry["reason_category"],
        rule=entry["rule"],
        facts=entry["facts"],
        moderator_id=moderator.id,
        author_id=comment.author_id,
        created_at=when,
        appeal_until=when + timedelta(days=183),
    )
    db.session.add(decision)
    db.session.flush()
    for row in case.reports:
        row.outcome = entry["action"]
    if entry.get("appeal"):
        db.session.add(
            Appeal(
                decision_id=decision.id,
                author_id=comment.author_id,
                text=entry["appeal"],
                created_at=when + timedelta(days=1),
            )
        )
