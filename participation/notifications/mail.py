"""Notification mail: one mail per event, or one daily digest; every mail can be stopped
with one click (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post)."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from participation.accounts.models import NotificationMail, User
from participation.core.locale import DEFAULT_LOCALE
from participation.core.mail import send_mail
from participation.extensions import db
from participation.notifications import tokens
from participation.notifications.models import MailState, Notification


def unsubscribe_url(user: User) -> str:
    return url_for("notifications.unsubscribe", token=tokens.unsubscribe_token(user), _external=True)


def _send(user: User, subject, template: str, **context) -> None:
    unsubscribe = unsubscribe_url(user)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with force_locale(user.locale or DEFAULT_LOCALE):
        body = render_template(
            template,
            user=user,
            unsubscribe=unsubscribe,
            settings_link=url_for("accounts.account", _external=True),
            notifications_link=url_for("notifications.index", _external=True),
            **context,
        )
        send_mail(user.email, str(subject() if callable(subject) else subject), body, headers=headers)


def _absolute(link: str) -> str:
    return url_for("pages.home", _external=True).rstrip("/") + link


def send_one(user: User, note: Notification) -> None:
    _send(
        user,
        lambda: note.headline,
        "notifications/mail/notification.txt",
        note=note,
        link=_absolute(note.link),
    )


def send_digests() -> int:
    """One mail per person with everything pending since the last digest; returns how many."""
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.mail_state == MailState.PENDING.value)
        .order_by(Notification.user_id, Notification.created_at)
    ).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in pending:
        by_user[note.user_id].append(note)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    sent = 0
    for user_id, notes in by_user.items():
        user = users.get(user_id)
        wants_mail = (
            user is not None
            and not user.is_deleted
            and user.email_confirmed
            and user.notification_mail != NotificationMail.NEVER.value
        )
        if wants_mail:
            items = [(note, _absolute(note.link)) for note in notes]
            _send(
                user,
                _l("Your daily summary: %(count)d news", count=len(notes)),
                "notifications/mail/digest.txt",
                items=items,
            )
            sent += 1
        for note in notes:
            note.mail_state = MailState.SENT.value if wants_mail else MailState.NONE.value
    db.session.flush()
    return sent


def unsubscribe(user: User) -> None:
    user.notification_mail = NotificationMail.NEVER.value
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_state == MailState.PENDING.value)
        .values(mail_state=MailState.NONE.value)
    )
    db.session.flush()
