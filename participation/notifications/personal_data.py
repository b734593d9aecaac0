"""What follows and notifications keep about a person: exported on request, erased with the account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from participation.core import personal_data, targets
from participation.core.personal_data import Link, absolute
from participation.extensions import db
from participation.notifications.models import Follow, Notification

FOLLOW_LABELS = {"on": _l("What"), "following": _l("Following"), "since": _l("Since")}
NOTIFICATION_LABELS = {
    "headline": _l("Notification"),
    "link": _l("Link"),
    "text": _l("Text"),
    "at": _l("When"),
    "read_at": _l("Read"),
}


def _target_link(target_type: str, target_id: int) -> Link | str:
    target = targets.resolve(target_type, target_id)
    return Link(target.title, absolute(target.url)) if target is not None else str(_l("(no longer exists)"))


def _export_follows(user) -> list[dict]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return [
        {"on": _target_link(f.target_type, f.target_id), "following": f.active, "since": f.created_at}
        for f in rows
    ]


def _export_notifications(user) -> list[dict]:
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [
        {
            "headline": n.headline,
            "link": Link(n.title, absolute(n.link)),
            "text": n.excerpt,
            "at": n.created_at,
            "read_at": n.read_at,
        }
        for n in rows
    ]


def _erase(user) -> None:
    """Follows and notifications go; in other people's notifications the name goes."""
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_name=None))


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "follows", _export_follows, title=_l("What you follow"), labels=FOLLOW_LABELS, position=30
    )
    personal_data.register_exporter(
        "notifications",
        _export_notifications,
        title=_l("Your notifications"),
        labels=NOTIFICATION_LABELS,
        position=31,
    )
    personal_data.register_eraser(
        _erase,
        erases=_l("What you followed, your notifications, and your name in other people's notifications"),
    )
