"""Follows and notifications (their mail: notifications/mail.py). Services flush; views and CLI commit.

Features do not call this module: they emit events (core.events), and the jobs in
notifications/subscribers.py turn the committed ones into `comment_written` and
`target_event` (a status change, an official answer or a project update). Recipients are the
object's followers and authors, minus whoever caused the event and whoever explicitly stopped following.

A fan-out is one job per event, for any number of followers: people are loaded and their
notifications inserted in chunks. Each row keeps the event's id, unique per person, so a job
that runs again inserts nothing new and mails nobody twice: only people whose row was
inserted now are mailed. Those are announced as "notification.created" (their unread count
changed).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from participation.accounts.models import NotificationMail, User
from participation.core import events, targets
from participation.core.database import insert_for
from participation.core.mail import send_mails
from participation.core.models import utcnow
from participation.core.targets import Target
from participation.extensions import db
from participation.notifications import mail, queries
from participation.notifications.models import HEADLINES, Follow, Kind, MailState, Notification
from participation.notifications.text import markdown_to_text

EXCERPT_LENGTH = 280
CHUNK = 500  # people per query and per INSERT: 13 columns each stay below every bind limit
NOTIFICATION_CREATED = "notification.created"
EVENTS = {  # declared by init_app
    NOTIFICATION_CREATED: "people got new notifications (their unread count changed); payload: user_ids",
}


# --- following -------------------------------------------------------------------------------------


def _row(user_id: int, target_type: str, target_id: int) -> Follow | None:
    return db.session.scalar(
        select(Follow).where(
            Follow.user_id == user_id, Follow.target_type == target_type, Follow.target_id == target_id
        )
    )


def follows_ids(user_id: int, target_type: str, target_id: int, author_ids) -> bool:
    """is_following by ids: the target's authors follow it unless they stopped."""
    row = _row(user_id, target_type, target_id)
    return row.active if row is not None else user_id in author_ids


def is_following(user, target: Target) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    row = _row(user.id, target.key, target.id)
    if row is not None:
        return row.active
    return user.id in target.author_ids()


def set_following(user, target: Target, following: bool) -> None:
    row = _row(user.id, target.key, target.id)
    if row is not None:
        row.active = following
        db.session.flush()
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                Follow(user_id=user.id, target_type=target.key, target_id=target.id, active=following)
            )
    except IntegrityError:  # a second tab followed a moment earlier
        db.session.execute(
            update(Follow)
            .where(Follow.user_id == user.id, Follow.target_type == target.key, Follow.target_id == target.id)
            .values(active=following)
        )


def follow_unless_decided(user, target: Target) -> None:
    """Follow what one comments on, unless one has chosen before (an unfollow sticks)."""
    if _row(user.id, target.key, target.id) is None:
        set_following(user, target, True)


def recipients(target: Target) -> set[int]:
    rows = db.session.execute(
        select(Follow.user_id, Follow.active).where(
            Follow.target_type == target.key, Follow.target_id == target.id
        )
    ).all()
    active = {user_id for user_id, is_active in rows if is_active}
    stopped = {user_id for user_id, is_active in rows if not is_active}
    return (active | target.author_ids()) - stopped


# --- events -----------------------------------------------------------------------------------------


def _excerpt(text: str | None) -> str:
    """Markdown as one line of plain text, for the notification list and mails alike."""
    text = " ".join(markdown_to_text(text).split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def comment_written(target: Target, comment, parent, *, event_id: str | None = None) -> None:
    """A reply tells the parent's author; every comment tells the followers."""
    author = db.session.get(User, comment.author_id)
    link = url_for("comments.permalink", comment_id=comment.id)
    about = {"actor": author, "excerpt": comment.body, "link": link, "comment_id": comment.id,
             "event_id": event_id}
    notified: list[int] = []
    replied_to = None
    if parent is not None and parent.author_id and parent.author_id != comment.author_id:
        replied_to = parent.author_id
        notified += _notify({replied_to}, Kind.REPLY, target, **about)
    followers = recipients(target) - {comment.author_id, replied_to}
    notified += _notify(followers, Kind.COMMENT, target, **about)
    follow_unless_decided(author, target)
    _announce(notified)


def comment_withdrawn(comment_id: int) -> None:
    """Its author deleted the comment: its words leave other people's notifications too."""
    db.session.execute(update(Notification).where(Notification.comment_id == comment_id).values(excerpt=""))


def target_event(
    target_type: str,
    target_id: int,
    kind: str,
    *,
    actor=None,
    excerpt: str = "",
    already_mailed: Iterable[int] = (),
    event_id: str | None = None,
    authors_only: bool = False,
) -> int:
    """Tell everyone who follows the object: a status change, an answer, an update.

    `already_mailed` are people the calling feature has written to about this itself: they
    get the notification in the app, but no second mail. `event_id` makes a second call for the
    same event notify nobody again. `authors_only`: a decision meant for the authors alone
    (a rejected petition), whoever else follows. Returns how many people were notified now.
    Unknown objects notify nobody; an undeclared kind raises."""
    if kind not in HEADLINES:
        raise LookupError(f"notification kind {kind!r} is not declared")
    target = targets.resolve(target_type, target_id)
    if target is None:
        return 0
    people = target.author_ids() if authors_only else recipients(target)
    people -= {actor.id} if actor is not None else set()
    notified = _notify(
        people, kind, target, actor=actor, excerpt=excerpt, link=target.url, no_mail=set(already_mailed),
        event_id=event_id,
    )
    _announce(notified)
    return len(notified)


def notify_one(user_id: int, kind: str, target: Target, *, link: str, excerpt: str = "",
               event_id: str | None = None) -> list[int]:
    """One person hears of something about themselves on `target`'s page (a moderation
    decision), in the app only: the feature that decided has written to them already."""
    if kind not in HEADLINES:
        raise LookupError(f"notification kind {kind!r} is not declared")
    notified = _notify({user_id}, kind, target, actor=None, excerpt=excerpt, link=link, no_mail={user_id},
                       event_id=event_id)
    _announce(notified)
    return notified


def _announce(user_ids: list[int]) -> None:
    if user_ids:
        events.emit(NOTIFICATION_CREATED, user_ids=sorted(user_ids))


def _notify(
    user_ids: set[int],
    kind: str,
    target: Target,
    *,
    actor,
    excerpt: str,
    link: str,
    comment_id: int | None = None,
    no_mail: set[int] | None = None,
    event_id: str | None = None,
) -> list[int]:
    """Notify those of `user_ids` who may see the target; returns whom a row was inserted for."""
    wanted = sorted({i for i in user_ids if i is not None})
    common = {
        "kind": str(kind),
        "target_type": target.key,
        "target_id": target.id,
        "comment_id": comment_id,
        "actor_id": actor.id if actor is not None else None,
        "actor_name": actor.public_name if actor is not None else None,
        "title": target.title[:200],
        "link": link,
        "excerpt": _excerpt(excerpt) if wanted else "",
        "created_at": utcnow(),
        "event_id": event_id,
    }
    notified: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        users = db.session.scalars(
            select(User).where(User.id.in_(wanted[start : start + CHUNK]), User.deleted_at.is_(None))
        ).all()
        # a draft, say: nobody hears about what they may not see
        rows = {
            user.id: {
                **common,
                "user_id": user.id,
                "mail_state": MailState.NONE.value if user.id in (no_mail or ()) else _mail_state_for(user),
            }
            for user in users
            if target.can_view(user)
        }
        inserted = _insert_new(list(rows.values()))
        send_mails(  # Notification(...): a copy of the row, for the mail's text
            mail.compose_one(user, Notification(**rows[user.id]))
            for user in users
            if user.id in inserted and rows[user.id]["mail_state"] == MailState.SENT.value
        )
        notified += sorted(inserted)
    return notified


def _insert_new(rows: list[dict]) -> set[int]:
    """INSERT the rows, skipping people who have this event's notification already; returns the
    user ids of the rows inserted. One statement, whichever database."""
    if not rows:
        return set()
    insert = insert_for(db.session)
    statement = (
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "event_id"])
        .returning(Notification.user_id)
    )
    return set(db.session.scalars(statement))


def _mail_state_for(user: User) -> str:
    if not user.email or not user.email_confirmed:
        return MailState.NONE.value
    if user.notification_mail == NotificationMail.IMMEDIATELY.value:
        return MailState.SENT.value
    if user.notification_mail == NotificationMail.DAILY.value:
        return MailState.PENDING.value
    return MailState.NONE.value


# --- reading -----------------------------------------------------------------------------------------


def mark_read(user, note_id: int | None = None) -> int:
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if note_id is not None:
        query = query.where(Notification.id == note_id)
    result = db.session.execute(query.values(read_at=utcnow()))
    if getattr(user, "read_along", None):  # the count read with the user is out of date now
        user.read_along = {k: v for k, v in user.read_along.items() if k != queries.UNREAD_ALONG}
    return result.rowcount
