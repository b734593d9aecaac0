"""Writes for comments and votes. Services check the rules, change state and flush; views commit.

Rule violations raise `CommentRefused` with a message for the person; nothing is written then.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from participation.comments.models import MAX_DEPTH, MAX_LENGTH, Comment, CommentVote, Stance
from participation.core import events, targets
from participation.core.access import Role
from participation.core.content import Visibility, initial_visibility
from participation.core.models import utcnow
from participation.core.targets import Target
from participation.extensions import db

COMMENT_CREATED = "comment.created"
COMMENT_DELETED = "comment.deleted"
EVENTS = {  # declared by init_app
    COMMENT_CREATED: "a comment or reply was written; payload: target_type, target_id, parent_id",
    COMMENT_DELETED: "its author withdrew a comment",
}


class CommentRefused(Exception):
    """A rule says no; `message` tells the person why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _may_write(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise CommentRefused(_l("Please sign in to comment."))
    if not user.email_confirmed:
        raise CommentRefused(_l("Please confirm your email address before you comment."))
    if user.is_blocked:
        raise CommentRefused(_l("Your account is blocked by moderation; you cannot write for now."))


def _clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise CommentRefused(_l("Please write a comment first."))
    if len(text) > MAX_LENGTH:
        raise CommentRefused(_l("Please use at most %(max)d characters.", max=MAX_LENGTH))
    return text


def _clean_stance(target: Target, stance: str | None) -> str | None:
    if not stance:
        return None
    if not target.stances:
        raise CommentRefused(_l("Stances are not asked for here."))
    try:
        return Stance(stance).value
    except ValueError as error:
        raise CommentRefused(_l("Please choose one of the stances.")) from error


def _check_open(target: Target) -> None:
    if not target.is_open:
        raise CommentRefused(_l("Comments are closed here. You can still read them."))


def _is_staff(user) -> bool:
    return user.role in (Role.STAFF.value, Role.ADMIN.value)


def add_comment(target: Target, author, body: str, stance: str | None = None) -> Comment:
    _may_write(author)
    _check_open(target)
    comment = Comment(
        target_type=target.key,
        target_id=target.id,
        author_id=author.id,
        stance=_clean_stance(target, stance),
        depth=0,
        is_official=_is_staff(author),
        visibility=initial_visibility(*target.scopes()),
    )
    comment.set_body(_clean_body(body))
    db.session.add(comment)
    db.session.flush()
    _notify_new(target, comment, author, parent=None)
    return comment


def add_reply(target: Target, parent: Comment, author, body: str) -> Comment:
    _may_write(author)
    _check_open(target)
    if not parent.is_visible:
        raise CommentRefused(_l("This comment has been deleted; it cannot be answered any more."))
    if parent.depth >= MAX_DEPTH:
        raise CommentRefused(_l("Threads go three levels deep. Please answer the comment above instead."))
    reply = Comment(
        target_type=parent.target_type,
        target_id=parent.target_id,
        author_id=author.id,
        parent_id=parent.id,
        root_id=parent.root_id or parent.id,
        depth=parent.depth + 1,
        is_official=_is_staff(author),
        visibility=initial_visibility(*target.scopes()),
    )
    reply.set_body(_clean_body(body))
    db.session.add(reply)
    db.session.flush()
    _notify_new(target, reply, author, parent=parent)
    return reply


def edit_comment(target: Target, comment: Comment, user, body: str, stance: str | None = None) -> None:
    if not comment.can_edit(user):
        raise CommentRefused(_l("Comments can only be changed by their author within 15 minutes."))
    _check_open(target)
    comment.set_body(_clean_body(body))
    if comment.depth == 0:
        comment.stance = _clean_stance(target, stance)
    comment.edited_at = utcnow()
    db.session.flush()


def delete_comment(comment: Comment, user) -> None:
    """The author withdraws it: the text goes, a placeholder stays where replies hang on it."""
    if not comment.can_delete(user):
        raise CommentRefused(_l("You can only delete your own comments."))
    comment.visibility = Visibility.DELETED.value
    comment.set_body("")
    comment.stance = None
    db.session.execute(delete(CommentVote).where(CommentVote.comment_id == comment.id))
    db.session.flush()
    events.emit(COMMENT_DELETED, actor=user, subject=comment)


def vote(target: Target, comment: Comment, user, value: int) -> int:
    """Vote up (+1) or down (-1); the same vote again takes it back. Returns the vote now held."""
    _may_write(user)
    _check_open(target)
    if value not in (1, -1):
        raise CommentRefused(_l("Please vote up or down."))
    if not comment.is_visible:
        raise CommentRefused(_l("This comment has been deleted."))
    if comment.is_author(user):
        raise CommentRefused(_l("You cannot vote on your own comment."))
    existing = db.session.scalar(
        select(CommentVote).where(CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
    )
    if existing is not None and existing.value == value:
        db.session.delete(existing)
        db.session.flush()
        return 0
    if existing is not None:
        existing.value = value
        db.session.flush()
        return value
    try:
        with db.session.begin_nested():
            db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
    except IntegrityError:  # the same person's vote from a second tab, a moment earlier
        db.session.execute(
            update(CommentVote)
            .where(CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
            .values(value=value)
        )
    return value


def _notify_new(target: Target, comment: Comment, author, parent: Comment | None) -> None:
    if comment.visibility == Visibility.PENDING.value:
        return  # followers hear of it once moderation approves it (on_content_approved)
    events.emit(
        COMMENT_CREATED,
        actor=author,
        subject=comment,
        target_type=target.key,
        target_id=target.id,
        parent_id=parent.id if parent is not None else None,
    )


def on_content_approved(event) -> None:
    """A comment that waited for approval is public now: its followers hear of it."""
    if event.subject_type != Comment.__tablename__:
        return
    comment = db.session.get(Comment, event.subject_id)
    target = targets.resolve(comment.target_type, comment.target_id) if comment is not None else None
    if target is None or not comment.is_visible:
        return
    parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    _notify_new(target, comment, comment.author, parent)


def rerender_all(batch: int = 500) -> int:
    """Render every comment again through the current bleach policy; returns how many."""
    done, last_id = 0, 0
    while True:
        comments = db.session.scalars(
            select(Comment).where(Comment.id > last_id).order_by(Comment.id).limit(batch)
        ).all()
        if not comments:
            return done
        for comment in comments:
            comment.set_body(comment.body)
        db.session.commit()
        done += len(comments)
        last_id = comments[-1].id
