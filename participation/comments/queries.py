"""Reads for comment threads. A page of threads costs the same few queries at any size:
one for the top-level page, one for every reply below it (through `root_id`), one for vote
sums with the viewer's own votes, one for the authors and one for the total."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from participation.accounts.models import User
from participation.comments.models import PAGE_SIZE, REPLIES_SHOWN, Comment, CommentVote, Sort
from participation.core.content import Visibility
from participation.extensions import db

VISIBLE = Visibility.VISIBLE.value


@dataclass
class CommentNode:
    """A comment as shown: its votes, author name and replies, or a placeholder."""

    comment: Comment
    author_name: str = ""
    score: int = 0
    up: int = 0
    down: int = 0
    my_vote: int = 0
    replies: list[CommentNode] = field(default_factory=list)
    reply_total: int = 0  # every reply in the thread, also those not loaded
    waits_for_me: bool = False  # the viewer wrote it and it waits for approval: they see it

    @property
    def is_pending(self) -> bool:
        return self.comment.visibility == Visibility.PENDING.value

    @property
    def shown_replies(self) -> int:
        return _count_replies(self)

    @property
    def id(self) -> int:
        return self.comment.id

    @property
    def is_placeholder(self) -> bool:
        return not self.comment.is_visible and not self.waits_for_me

    def has_visible_content(self) -> bool:
        return (
            self.comment.is_visible or self.waits_for_me or any(r.has_visible_content() for r in self.replies)
        )


@dataclass
class ThreadPage:
    target_type: str
    target_id: int
    sort: Sort
    page: int
    threads: list[CommentNode]
    has_more: bool
    total: int
    stances: dict[str, int] = field(default_factory=dict)  # "for" -> how many took it
    # authors of comments loaded for the page that wait for approval: the page differs for them
    pending_authors: set[int] = field(default_factory=set)


def counts_for(target_type: str, target_ids: Iterable[int]) -> dict[int, int]:
    """Visible comments per object, for lists: one grouped query."""
    ids = list(set(target_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.target_id, func.count())
        .where(Comment.target_type == target_type, Comment.target_id.in_(ids), Comment.visibility == VISIBLE)
        .group_by(Comment.target_id)
    )
    return {target_id: count for target_id, count in rows}


def _score_of(comment_id_column):
    return (
        select(func.coalesce(func.sum(CommentVote.value), 0))
        .where(CommentVote.comment_id == comment_id_column)
        .scalar_subquery()
    )


def _top_level(target_type: str, target_id: int, sort: Sort):
    reply = aliased(Comment)
    has_visible_reply = exists().where(reply.root_id == Comment.id, reply.visibility == VISIBLE)
    query = select(Comment).where(
        Comment.target_type == target_type,
        Comment.target_id == target_id,
        Comment.parent_id.is_(None),
        # deleted or hidden comments stay only as placeholders above their replies
        or_(Comment.visibility == VISIBLE, and_(Comment.visibility != VISIBLE, has_visible_reply)),
    )
    if sort is Sort.OLDEST:
        return query.order_by(Comment.created_at.asc(), Comment.id.asc())
    if sort is Sort.HELPFUL:
        return query.order_by(_score_of(Comment.id).desc(), Comment.created_at.desc(), Comment.id.desc())
    return query.order_by(Comment.created_at.desc(), Comment.id.desc())


def thread_page(target_type: str, target_id: int, *, sort: Sort, page: int, viewer=None) -> ThreadPage:
    page = max(page, 1)
    totals = _totals(target_type, target_id)
    if not totals["total"]:
        # Nothing visible, so nothing to show: a hidden comment stays as a placeholder only
        # above visible replies. Most objects have no comments; their pages skip the rest.
        return ThreadPage(target_type=target_type, target_id=target_id, sort=sort, page=page, threads=[],
                          has_more=False, **totals)
    top = list(
        db.session.scalars(
            _top_level(target_type, target_id, sort).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        )
    )
    has_more = len(top) > PAGE_SIZE
    top = top[:PAGE_SIZE]
    replies, reply_totals = _first_replies([c.id for c in top])
    threads = build_threads(top, replies, viewer)
    for node in threads:
        node.reply_total = reply_totals.get(node.id, 0)
    pending = Visibility.PENDING.value
    return ThreadPage(
        target_type=target_type,
        target_id=target_id,
        sort=sort,
        page=page,
        threads=threads,
        has_more=has_more,
        pending_authors={c.author_id for c in (*top, *replies) if c.visibility == pending and c.author_id},
        **totals,
    )


def _totals(target_type: str, target_id: int) -> dict:
    """Visible comments in all and per stance, from one grouped query."""
    rows = db.session.execute(
        select(Comment.stance, func.count())
        .where(
            Comment.target_type == target_type, Comment.target_id == target_id, Comment.visibility == VISIBLE
        )
        .group_by(Comment.stance)
    ).all()
    return {"total": sum(n for _stance, n in rows), "stances": {stance: n for stance, n in rows if stance}}


def _first_replies(root_ids: list[int]) -> tuple[list[Comment], dict[int, int]]:
    """The first REPLIES_SHOWN replies of each thread and each thread's reply count, in one
    query: a busy thread must not make the first page slow. A reply always comes after its
    parent, so the replies shown never miss the comment they answer."""
    if not root_ids:
        return [], {}
    order = (Comment.created_at.asc(), Comment.id.asc())
    numbered = (
        select(
            Comment.id.label("comment_id"),
            func.row_number().over(partition_by=Comment.root_id, order_by=order).label("position"),
            func.count().over(partition_by=Comment.root_id).label("total"),
        )
        .where(Comment.root_id.in_(root_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(Comment, numbered.c.total)
        .join(numbered, numbered.c.comment_id == Comment.id)
        .where(numbered.c.position <= REPLIES_SHOWN)
        .order_by(*order)
    ).all()
    totals = {comment.root_id: total for comment, total in rows}
    return [comment for comment, _total in rows], totals


def single_thread(root: Comment, viewer=None) -> CommentNode:
    """One whole thread, for the permalink page."""
    replies = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.root_id == root.id)
            .order_by(Comment.created_at.asc(), Comment.id.asc())
        )
    )
    threads = build_threads([root], replies, viewer, keep_empty=True)
    return threads[0]


def build_threads(top: list[Comment], replies: list[Comment], viewer, keep_empty: bool = False):
    comments = top + replies
    ids = [c.id for c in comments]
    votes = vote_figures(ids, viewer)
    names = author_names({c.author_id for c in comments if c.author_id is not None})
    nodes = {}
    for comment in comments:
        up, down, mine = votes.get(comment.id, (0, 0, 0))
        nodes[comment.id] = CommentNode(
            comment=comment,
            author_name=names.get(comment.author_id, str(_l("deleted user"))),
            score=up - down,
            up=up,
            down=down,
            my_vote=mine,
            waits_for_me=comment.visibility == Visibility.PENDING.value and comment.is_author(viewer),
        )
    for comment in replies:
        parent = nodes.get(comment.parent_id)
        if parent is not None:
            parent.replies.append(nodes[comment.id])
    result = []
    for comment in top:
        node = nodes[comment.id]
        _prune(node)
        if keep_empty or node.has_visible_content():
            result.append(node)
    return result


def _count_replies(node: CommentNode) -> int:
    return sum(1 + _count_replies(r) for r in node.replies)


def _prune(node: CommentNode) -> None:
    """Placeholders stay only where replies below them are still visible."""
    for reply in node.replies:
        _prune(reply)
    node.replies = [r for r in node.replies if r.has_visible_content()]


def vote_figures(comment_ids: list[int], viewer) -> dict[int, tuple[int, int, int]]:
    """comment id -> (up votes, down votes, the viewer's vote), in one grouped query."""
    if not comment_ids:
        return {}
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else -1
    rows = db.session.execute(
        select(
            CommentVote.comment_id,
            func.sum(case((CommentVote.value > 0, 1), else_=0)),
            func.sum(case((CommentVote.value < 0, 1), else_=0)),
            func.coalesce(
                func.max(case((CommentVote.user_id == viewer_id, CommentVote.value), else_=None)), 0
            ),
        )
        .where(CommentVote.comment_id.in_(comment_ids))
        .group_by(CommentVote.comment_id)
    )
    return {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in rows}


def votes_of(user_id: int, comment_ids: list[int]) -> dict[int, int]:
    """comment id -> the person's vote (+1 or -1), for those of `comment_ids` they voted on."""
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.user_id == user_id, CommentVote.comment_id.in_(comment_ids)
        )
    )
    return {comment_id: int(value) for comment_id, value in rows}


def author_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)))
    return {user.id: user.public_name for user in users}


def node_for(comment: Comment, viewer) -> CommentNode:
    """One comment with its figures, for the vote button's htmx answer."""
    up, down, mine = vote_figures([comment.id], viewer).get(comment.id, (0, 0, 0))
    names = author_names({comment.author_id} if comment.author_id else set())
    return CommentNode(
        comment=comment,
        author_name=names.get(comment.author_id, str(_l("deleted user"))),
        score=up - down,
        up=up,
        down=down,
        my_vote=mine,
    )


def on_first_page(comment: Comment) -> bool:
    """Whether the first page of its object's thread list (newest first, as the object's own
    page shows it) includes this comment: its thread is among the first PAGE_SIZE and, for a
    reply, it is among the REPLIES_SHOWN replies shown there."""
    if comment.visibility == Visibility.PENDING.value:
        return False  # only its author sees it, on its permalink
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    if root is None:
        return False
    later = or_(
        Comment.created_at > root.created_at,
        and_(Comment.created_at == root.created_at, Comment.id > root.id),
    )
    newer_threads = db.session.scalar(
        select(func.count()).select_from(
            _top_level(root.target_type, root.target_id, Sort.NEWEST).where(later).order_by(None).subquery()
        )
    )
    if newer_threads >= PAGE_SIZE:
        return False
    if comment.root_id is None:
        return True
    earlier_replies = db.session.scalar(
        select(func.count()).where(
            Comment.root_id == root.id,
            or_(
                Comment.created_at < comment.created_at,
                and_(Comment.created_at == comment.created_at, Comment.id < comment.id),
            ),
        )
    )
    return earlier_replies < REPLIES_SHOWN


def still_shown(comment: Comment, viewer=None) -> bool:
    """Whether the comment still appears in its thread, as itself or as the placeholder above
    visible answers (a deleted comment without answers leaves the thread)."""
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    tree = single_thread(root, viewer)
    stack = [tree] if tree.has_visible_content() else []
    while stack:
        node = stack.pop()
        if node.id == comment.id:
            return True
        stack.extend(node.replies)
    return False
