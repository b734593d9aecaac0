"""Notification mail: one mail per event, one daily digest, or a mail that concerns the person
themselves (the city answered their idea). Every one ends with the same footer and can be stopped
with one click (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post).

Links come from BASE_URL only: a mail is often caused by someone else's request, whose Host
header must not decide where everyone's mail points.
"""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from participation.accounts.models import NotificationMail, User
from participation.core.locale import DEFAULT_LOCALE
from participation.core.mail import send_mail, send_mails
from participation.core.urls import absolute_link, external_url
from participation.extensions import db
from participation.notifications import tokens
from participation.notifications.models import MailState, Notification

FOLLOWING = _l("You receive this mail because you follow this or wrote about it.")


def unsubscribe_url(user: User) -> str:
    return external_url("notifications.unsubscribe", token=tokens.unsubscribe_token(user))


def wants_mail(user: User | None) -> bool:
    return (
        user is not None
        and not user.is_deleted
        and bool(user.email)
        and user.email_confirmed
        and user.notification_mail != NotificationMail.NEVER.value
    )


def send_personal(user: User, subject, template: str, *, reason, **context) -> bool:
    """Mail something that concerns the person themselves, at once (also for those who chose the
    daily digest), unless they stopped notification mails. Returns whether a mail went out."""
    if not wants_mail(user):
        return False
    _send(user, subject, template, reason=reason, **context)
    return True


def _send(user: User, subject, template: str, *, reason=None, **context) -> None:
    send_mail(*_compose(user, subject, template, reason=reason, **context))


def _compose(user: User, subject, template: str, *, reason=None, **context) -> tuple[str, str, str, dict]:
    """(to, subject, body, headers) of a mail to `user`, in their language."""
    unsubscribe = unsubscribe_url(user)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with force_locale(user.locale or DEFAULT_LOCALE):
        body = render_template(template, user=user, **context).rstrip()
        footer = render_template(
            "notifications/mail/_footer.txt",
            reason=reason,
            unsubscribe=unsubscribe,
            settings_link=external_url("accounts.account", _anchor="settings-heading"),
            notifications_link=external_url("notifications.index"),
        )
        return user.email, str(subject() if callable(subject) else subject), f"{body}\n\n{footer}", headers


def compose_one(user: User, note: Notification) -> tuple[str, str, str, dict]:
    """The mail about one notification; send many with core.mail.send_mails."""
    return _compose(
        user,
        lambda: note.headline,
        "notifications/mail/notification.txt",
        reason=FOLLOWING,
        note=note,
        link=absolute_link(note.link),
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
    digests = []
    for user_id, notes in by_user.items():
        user = users.get(user_id)
        mailed = wants_mail(user)
        if mailed:
            items = [(note, absolute_link(note.link)) for note in notes]
            digests.append(_compose(
                user,
                _l("Your daily summary: %(count)d news", count=len(notes)),
                "notifications/mail/digest.txt",
                items=items,
            ))
        for note in notes:
            note.mail_state = MailState.SENT.value if mailed else MailState.NONE.value
    send_mails(digests)
    db.session.flush()
    return len(digests)


def unsubscribe(user: User) -> None:
    user.notification_mail = NotificationMail.NEVER.value
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_state == MailState.PENDING.value)
        .values(mail_state=MailState.NONE.value)
    )
    db.session.flush()
