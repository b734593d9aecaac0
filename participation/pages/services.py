from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from participation.accounts.models import User
from participation.core import audit
from participation.core.access import Role
from participation.core.locale import DEFAULT_LOCALE
from participation.core.mail import send_mail
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.core.urls import external_url
from participation.extensions import db
from participation.pages.models import AccessibilityFeedback


def submit_feedback(
    message: str, page_url: str | None, reply_email: str | None, user
) -> AccessibilityFeedback:
    """Store accessibility feedback and mail it to whoever answers it."""
    feedback = AccessibilityFeedback(
        message=message.strip(),
        page_url=(page_url or "").strip() or None,
        reply_email=(reply_email or "").strip() or None,
        user_id=user.id if getattr(user, "is_authenticated", False) else None,
    )
    db.session.add(feedback)
    db.session.flush()
    link = external_url("pages.feedback_list")
    for address, locale in _feedback_recipients():
        with force_locale(locale or DEFAULT_LOCALE):
            send_mail(
                address,
                _("Accessibility feedback"),
                render_template("pages/mail/feedback.txt", feedback=feedback, link=link),
            )
    return feedback


def _feedback_recipients() -> list[tuple[str, str | None]]:
    configured = current_settings().feedback_email
    if configured:
        return [(configured, None)]
    staff = select(User.email, User.locale).where(
        User.role.in_([Role.STAFF.value, Role.ADMIN.value]),
        User.deleted_at.is_(None),
        User.email.is_not(None),
    )
    return [(row.email, row.locale) for row in db.session.execute(staff)]


def _handling(feedback: AccessibilityFeedback) -> dict:
    return {"handled": feedback.is_handled, "note": feedback.handling_note}


def mark_handled(feedback: AccessibilityFeedback, staff, note: str) -> None:
    """Staff say the barrier is fixed or answered; the note says how (it goes to the audit log)."""
    before = _handling(feedback)
    feedback.handled_at = utcnow()
    feedback.handled_by_id = staff.id
    feedback.handling_note = note.strip() or None
    audit.record(staff, "feedback.handled", "accessibility_feedback", feedback.id,
                 reason=feedback.handling_note, before=before, after=_handling(feedback))
    db.session.flush()


def reopen(feedback: AccessibilityFeedback, staff) -> None:
    """Back on the open list (marked handled by mistake, or the barrier came back)."""
    before = _handling(feedback)
    feedback.handled_at = None
    feedback.handled_by_id = None
    audit.record(staff, "feedback.reopened", "accessibility_feedback", feedback.id,
                 before=before, after=_handling(feedback))
    db.session.flush()
