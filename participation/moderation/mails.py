"""What moderation tells people by mail: the author a statement of reasons (DSA Art. 17),
each reporter the outcome of their report, each in their own language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from participation.accounts.models import User
from participation.core.mail import send_mails
from participation.core.urls import external_url
from participation.extensions import db
from participation.moderation import content
from participation.moderation.models import ACTION_LABELS, REPORT_REASON_LABELS, Action, Decision, Report

DEFAULT_LOCALE = "de"


def register() -> None:
    """Nothing to register yet: the mails are written in the request (they are few)."""


def _reason_label(code: str | None) -> str:
    try:
        return str(REPORT_REASON_LABELS[code]) if code else ""
    except KeyError:
        return code or ""


def statement_of_reasons(decision: Decision, obj) -> tuple[str, str]:
    """(subject, body) of the author's statement: what was decided, the facts, the rule,
    whether automated means were used, and how to appeal."""
    located = content.locate(decision.target_type, obj)
    body = render_template(
        "moderation/mail/statement.txt",
        decision=decision,
        action=str(ACTION_LABELS[Action(decision.action)]),
        reason=_reason_label(decision.reason_category),
        located=located,
        page_url=external_url("moderation.decision", decision_id=decision.id),
    )
    return _("Moderation of your post: statement of reasons"), body


def tell_author(decision: Decision, obj) -> None:
    author = db.session.get(User, decision.author_id) if decision.author_id else None
    if author is None or not author.email:
        return
    with force_locale(author.locale or DEFAULT_LOCALE):
        subject, body = statement_of_reasons(decision, obj)
    send_mails([(author.email, subject, body, None)])


def tell_reporters(decision: Decision, reports: list[Report]) -> None:
    mails = []
    for row in reports:
        reporter = db.session.get(User, row.reporter_id) if row.reporter_id else None
        address = row.contact_email or (reporter.email if reporter is not None else None)
        if not address:
            continue
        with force_locale((reporter.locale if reporter is not None else None) or DEFAULT_LOCALE):
            body = render_template(
                "moderation/mail/outcome.txt",
                decision=decision,
                action=str(ACTION_LABELS[Action(decision.action)]),
                reason=_reason_label(row.reason),
            )
            mails.append((address, _("The outcome of your report"), body, None))
        row.contact_email = None  # kept only to tell the outcome, which is on its way now
    send_mails(mails)


def confirm_report(row: Report, located, reporter) -> None:
    """The receipt (Art. 16(4)), in the reporter's language of this request."""
    address = row.contact_email or (reporter.email if getattr(reporter, "is_authenticated", False) else None)
    if not address:
        return
    body = render_template(
        "moderation/mail/received.txt", report=row, located=located, reason=_reason_label(row.reason)
    )
    send_mails([(address, _("We have received your report"), body, None)])


def tell_appeal_outcome(row) -> None:
    author = db.session.get(User, row.author_id) if row.author_id else None
    if author is None or not author.email:
        return
    with force_locale(author.locale or DEFAULT_LOCALE):
        body = render_template("moderation/mail/appeal_outcome.txt", appeal=row)
        subject = _("The outcome of your appeal")
    send_mails([(author.email, subject, body, None)])
