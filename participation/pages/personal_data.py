"""What the pages keep about a person (accessibility feedback): exported, erased with the account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from participation.core import personal_data
from participation.core.personal_data import absolute
from participation.extensions import db
from participation.pages.models import AccessibilityFeedback

LABELS = {
    "at": _l("Sent"),
    "message": _l("Message"),
    "page_url": _l("About the page"),
    "reply_email": _l("Email address for a reply"),
}


def _export_feedback(user) -> list[dict]:
    rows = db.session.scalars(
        select(AccessibilityFeedback)
        .where(AccessibilityFeedback.user_id == user.id)
        .order_by(AccessibilityFeedback.id)
    )
    return [
        {
            "at": row.created_at,
            "message": row.message,
            "page_url": absolute(row.page_url) if (row.page_url or "").startswith("/") else row.page_url,
            "reply_email": row.reply_email,
        }
        for row in rows
    ]


def _erase_feedback(user) -> None:
    db.session.execute(delete(AccessibilityFeedback).where(AccessibilityFeedback.user_id == user.id))


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "accessibility_feedback",
        _export_feedback,
        title=_l("Your feedback on accessibility"),
        labels=LABELS,
        position=40,
    )
    personal_data.register_eraser(_erase_feedback, erases=_l("Your feedback on accessibility"))
