"""What moderation keeps about a person: their reports, and the decisions about their posts
with their appeals. Exported on request; with the account, the reports lose whom they came
from. Decisions and appeals stay: they are the record the law asks a platform to keep, and
the author's name on them is gone with the account already."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from participation.core import personal_data
from participation.core.personal_data import Link, absolute
from participation.extensions import db
from participation.moderation import content
from participation.moderation.models import ACTION_LABELS, REPORT_REASON_LABELS, Appeal, Decision, Report

REPORT_LABELS = {
    "about": _l("About"),
    "reason": _l("Reason"),
    "explanation": _l("Explanation"),
    "reported_at": _l("Reported"),
    "outcome": _l("Outcome"),
}
DECISION_LABELS = {
    "statement": _l("Statement of reasons"),
    "decision": _l("Decision"),
    "rule": _l("Rule the decision rests on"),
    "facts": _l("Facts and circumstances"),
    "decided_at": _l("Decided on"),
    "appeal": _l("Your appeal"),
    "appeal_state": _l("Outcome of the appeal"),
}

APPEAL_STATES = {"open": _l("open"), "upheld": _l("decision stands"), "reversed": _l("reversed")}


def _about(target_type: str, target_id: int) -> Link | str:
    obj = content.load(target_type, target_id)
    if obj is None:
        return str(_l("(no longer exists)"))
    located = content.locate(target_type, obj)
    return Link(located.title, absolute(located.url)) if located.url else located.title


def _export_reports(user) -> list[dict]:
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    return [
        {
            "about": _about(r.target_type, r.target_id),
            "reason": REPORT_REASON_LABELS.get(r.reason, r.reason),
            "explanation": r.explanation,
            "reported_at": r.created_at,
            "outcome": ACTION_LABELS.get(r.outcome, r.outcome) if r.outcome else None,
        }
        for r in rows
    ]


def _export_decisions(user) -> list[dict]:
    rows = db.session.execute(
        select(Decision, Appeal)
        .outerjoin(Appeal, Appeal.decision_id == Decision.id)
        .where(Decision.author_id == user.id)
        .order_by(Decision.id)
    )
    return [
        {
            "statement": Link(
                str(_l("Statement of reasons")),
                absolute(url_for("moderation.decision", decision_id=decision.id)),
            ),
            "decision": ACTION_LABELS.get(decision.action, decision.action),
            "rule": decision.rule,
            "facts": decision.facts,
            "decided_at": decision.created_at,
            "appeal": appeal.text if appeal is not None else None,
            "appeal_state": APPEAL_STATES.get(appeal.state, appeal.state) if appeal is not None else None,
        }
        for decision, appeal in rows
    ]


def _erase(user) -> None:
    """The reports stay for the figures and the cases, without whom they came from."""
    db.session.execute(
        update(Report)
        .where(Report.reporter_id == user.id)
        .values(reporter_id=None, contact_email=None)
        .execution_options(synchronize_session=False)
    )


def register() -> None:
    personal_data.register_exporter(
        "moderation_reports",
        _export_reports,
        title=_l("Your reports to the moderation"),
        labels=REPORT_LABELS,
        position=60,
    )
    personal_data.register_exporter(
        "moderation_decisions",
        _export_decisions,
        title=_l("Moderation decisions about your posts"),
        labels=DECISION_LABELS,
        position=61,
    )
    personal_data.register_eraser(_erase, erases=_l("Who made your reports to the moderation"))
