"""What the comments keep about a person: exported on request, erased with the account."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from participation.comments.models import STANCE_LABELS, Comment, CommentVote, Stance
from participation.core import personal_data, targets
from participation.core.content import VISIBILITY_LABELS, Visibility
from participation.core.personal_data import Link, absolute
from participation.extensions import db

COMMENT_LABELS = {
    "on": _l("On"),
    "link": _l("Address of the comment"),
    "in_reply_to": _l("In reply to"),
    "text": _l("Text"),
    "stance": _l("Stance"),
    "visibility": _l("Visibility"),
    "created_at": _l("Written"),
    "edited_at": _l("Edited"),
}
VOTE_LABELS = {"comment": _l("Comment"), "on": _l("On"), "vote": _l("Your vote"), "at": _l("When")}
VOTE_VALUES = {1: _l("Helpful"), -1: _l("Not helpful")}
EXCERPT = 80


def target_link(target_type: str, target_id: int, cache: dict) -> Link | str:
    """The commented object by title and address; a plain note once it no longer exists."""
    if (target_type, target_id) not in cache:
        target = targets.resolve(target_type, target_id)
        cache[(target_type, target_id)] = (
            Link(target.title, absolute(target.url)) if target is not None else str(_l("(no longer exists)"))
        )
    return cache[(target_type, target_id)]


def comment_link(comment: Comment) -> Link:
    text = comment.body if len(comment.body) <= EXCERPT else comment.body[: EXCERPT - 1] + "…"
    return Link(text, absolute(url_for("comments.permalink", comment_id=comment.id)))


def _label(labels: dict, value):
    try:
        return labels[value]
    except (KeyError, ValueError):
        return value


def _export_comments(user) -> list[dict]:
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    cache: dict = {}
    parents = {}
    records = []
    for c in comments:
        parent = None
        if c.parent_id:
            parent = parents.get(c.parent_id) or db.session.get(Comment, c.parent_id)
        parents[c.id] = c
        records.append(
            {
                "on": target_link(c.target_type, c.target_id, cache),
                "link": comment_link(c),
                "in_reply_to": comment_link(parent) if parent is not None else None,
                "text": c.body,
                "stance": _label(STANCE_LABELS, Stance(c.stance)) if c.stance else None,
                "visibility": _label(VISIBILITY_LABELS, Visibility(c.visibility)),
                "created_at": c.created_at,
                "edited_at": c.edited_at,
            }
        )
    return records


def _export_votes(user) -> list[dict]:
    rows = db.session.execute(
        select(CommentVote, Comment)
        .join(Comment, Comment.id == CommentVote.comment_id)
        .where(CommentVote.user_id == user.id)
        .order_by(CommentVote.id)
    )
    cache: dict = {}
    return [
        {
            "comment": comment_link(comment),
            "on": target_link(comment.target_type, comment.target_id, cache),
            "vote": VOTE_VALUES.get(vote.value, vote.value),
            "at": vote.created_at,
        }
        for vote, comment in rows
    ]


def _erase(user) -> None:
    """Comments stay under "deleted user" (their text is part of a public discussion); votes go."""
    db.session.execute(delete(CommentVote).where(CommentVote.user_id == user.id))


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "comments", _export_comments, title=_l("Your comments"), labels=COMMENT_LABELS, position=20
    )
    personal_data.register_exporter(
        "comment_votes", _export_votes, title=_l("Your votes on comments"), labels=VOTE_LABELS, position=21
    )
    personal_data.register_eraser(_erase, erases=_l("Your votes on comments"))
