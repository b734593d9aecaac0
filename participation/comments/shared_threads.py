"""A page of comment threads rendered once for everybody, with each viewer's own parts put in.

Rendering a page of threads (twenty threads with up to ten answers each, through the macros)
was most of a commentable page's time for signed-in people, although little of it differs
between them. The page is rendered once per data version of the comments, language, object,
order, page and kind of reader (taking part: signed in with a confirmed address; or only
reading), as if by somebody who wrote none of the comments and voted on none, and kept in
the shared cache under the comments' data version (core.data_versions), so a new comment,
vote or name shows at once. Markers stand where a viewer's own parts go:

- the CSRF token of the vote and answer forms (it belongs to one session);
- `aria-pressed` of the vote buttons, from one query for the viewer's votes on the comments
  shown;
- the votes and actions (edit, delete, report) of the viewer's own comments, rendered for
  them with the same macro.

The viewer's votes and own parts are kept for them too, next to the page (one round trip
fetches both; in a page kept for signed-in viewers, the round trip of that page's own
parts), until the data version moves or one of their comments leaves its 15 minutes for
editing. Filling in needs no walk over the markers: each process lays a kept page out once,
as nobody's text in UTF-8 with the offsets of the vote buttons and own parts, and splices in
a viewer's few changes. A page whose structure differs for the viewer (a comment of theirs that waits
for approval, which only they see; the note about their last action at the comment it
concerns) is rendered for them alone, as before. The form for a new comment, the same for
everybody until somebody types in it, is kept per process with a marker for the token.

Markers are NUL-delimited: no template writes a NUL and no stored text holds one
(core.inputs refuses them, PostgreSQL too), so a marker cannot clash with what people wrote.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template, request
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from participation.comments import COMMENTS_VERSION_GROUP, queries
from participation.comments.forms import CommentForm
from participation.comments.models import EDIT_WINDOW, Comment, Sort
from participation.core import data_versions, targets, viewer_pages
from participation.core.forms import ActionForm
from participation.core.locale import current_locale
from participation.core.models import utcnow
from participation.core.process_memo import ProcessMemo
from participation.extensions import cache

_MARKER = re.compile("\x00([^\x00]*)\x00")
CSRF_MARK = "\x00csrf\x00"
_OWN_END = "\x00end\x00"
# kinds of the markers in a kept page, as stored
_CSRF, _UP, _DOWN, _OWN, _END = "csrf", "up", "down", "own", "end"
_PRESSED = {_UP: 1, _DOWN: -1}
_VOTE_PRESSED = {vote: kind for kind, vote in _PRESSED.items()}  # a vote -> the button it presses


@dataclass
class ThreadSummary:
    """What the comment section shows around the threads (the ThreadPage's figures)."""

    sort: Sort
    page: int
    total: int
    has_more: bool
    threads: tuple[int, ...]  # the ids of the threads shown
    stances: dict[str, int] = field(default_factory=dict)


class _Participant:
    """The reader a shared page is rendered for: signed in with a confirmed address, the
    author of nothing (no user has id 0; a deleted author's comments have author_id None)."""

    id = 0
    is_authenticated = True
    is_active = True
    is_anonymous = False
    email_confirmed = True


class Marks:
    """Put into a shared render as `viewer_marks`: writes the markers and notes what they
    stand for, so that filling them in needs no look at the HTML and no query for the
    viewer's own comments."""

    def __init__(self):
        # comment id -> what its author's own parts show (see _own_node)
        self.own_parts: dict[int, dict] = {}
        self.vote_buttons: list[int] = []  # comments with a vote form

    def own(self, node) -> Markup:
        c = node.comment
        self.own_parts[c.id] = {
            "author_id": c.author_id,
            "visibility": c.visibility,
            "created_at": c.created_at,
            "up": node.up,
            "down": node.down,
        }
        return Markup(f"\x00{_OWN}:{c.id}\x00")  # noqa: S704 - an integer

    def end(self) -> Markup:
        return Markup(_OWN_END)  # noqa: S704 - a constant

    def pressed(self, comment_id: int, direction: str) -> Markup:
        if direction == _UP:
            self.vote_buttons.append(comment_id)
        return Markup(f"\x00{direction}:{comment_id}\x00")  # noqa: S704 - an integer and a constant


def section_threads(
    target: targets.Target, sort: Sort, page: int, news: dict | None, now: datetime, *, encoded: bool = False
):
    """(the section's figures, the rendered threads) for the current viewer; in a page kept
    for signed-in viewers (core.viewer_pages), a hole that `threads_in_kept_page` fills.
    `encoded`: the threads in UTF-8 (bytes) where they come from a kept page of threads."""
    page = max(page, 1)
    viewer = current_user
    signed_in = bool(viewer.is_authenticated)
    taking_part = signed_in and bool(viewer.email_confirmed)
    version = data_versions.versions([COMMENTS_VERSION_GROUP])
    key = _key(target, sort, page, taking_part, version)
    shared_page = viewer_pages.viewer_page_shared()
    mine_key = _mine_key(viewer, key) if signed_in and not shared_page else None
    kept, mine = _look_up(key, mine_key, version)
    if kept is None:
        kept = _render_shared(target, sort, page, taking_part)
        cache.set(key, kept, timeout=data_versions.REMEMBERED_SECONDS)
        _keep_here(key, kept, version)
    if shared_page:  # the threads are filled in per viewer, theirs waiting for approval included
        args = (target.key, target.id, bool(target.is_open), bool(target.stances), sort.value, page)
        return kept["summary"], viewer_pages.viewer_hole(THREADS_HOLE, *args)
    if news is not None or (signed_in and viewer.id in kept["pending_authors"]):
        return render_for_viewer(target, sort, page, news, now)
    if mine_key and (mine is None or (mine["until"] is not None and now > mine["until"])):
        mine = _viewer_parts(kept, viewer, target, now, taking_part)
        cache.set(mine_key, mine, timeout=data_versions.REMEMBERED_SECONDS)
    threads = fill(kept, viewer, mine or _NOBODYS, encoded=encoded)
    return kept["summary"], threads if encoded else Markup(threads)  # noqa: S704 - our templates' output


_NOBODYS = {"votes": {}, "own": {}, "until": None}
THREADS_HOLE = "comment-threads"


def _key(target, sort: Sort, page: int, taking_part: bool, version: str) -> str:
    return (
        f"comment-threads:{target.key}:{target.id}:{sort.value}:{page}:{current_locale()}"
        f":{'part' if taking_part else 'read'}:{int(bool(target.is_open))}:{version}"
    )


def _mine_key(viewer, key: str) -> str:
    return f"comment-threads-of:{viewer.id}:{key}"


def threads_in_kept_page(target_key: str, target_id: int, is_open: bool, stances: bool, sort: str, page: int):
    """The threads for the viewer where a page kept for everybody of their kind has the hole
    (core.viewer_pages), in UTF-8: that page knows what the section needs of its target,
    which is loaded only if the threads must be rendered anew."""
    target = _TargetOfPage(target_key, target_id, is_open, stances)
    threads = section_threads(target, Sort(sort), page, None, utcnow(), encoded=True)[1]
    return threads if threads.__class__ is bytes else str(threads).encode()


def viewer_parts_in_kept_page(
    target_key: str, target_id: int, is_open: bool, stances: bool, sort: str, page: int
) -> str:
    """The key of what `threads_in_kept_page` reads for the viewer (their votes and own
    comments), for the kept page to fetch along with its other parts."""
    viewer = current_user
    taking_part = bool(viewer.email_confirmed)
    version = data_versions.versions([COMMENTS_VERSION_GROUP])
    target = _TargetOfPage(target_key, target_id, is_open, stances)
    return _mine_key(viewer, _key(target, Sort(sort), max(page, 1), taking_part, version))


class _TargetOfPage:
    """A commentable thing as a kept page names it; anything more loads it (for the viewer)."""

    def __init__(self, key: str, target_id: int, is_open: bool, stances: bool):
        self.key, self.id, self.is_open, self.stances = key, target_id, is_open, stances
        self._loaded = None

    def __getattr__(self, name: str):
        if self._loaded is None:
            from participation.comments.views import load_target

            self._loaded = load_target(self.key, self.id)
        return getattr(self._loaded, name)


def _viewer_parts(kept: dict, viewer, target: targets.Target, now: datetime, taking_part: bool) -> dict:
    """What is the viewer's own on a kept page, kept for them as well: their votes (comment
    id -> +1 or -1) and the rendered parts of their own comments, valid `until` the first
    of them may no longer be edited (None: for as long as the page)."""
    votes = queries.votes_of(viewer.id, kept["vote_buttons"]) if taking_part else {}
    own = kept["by_author"].get(viewer.id) or {}
    deadlines = [
        figures["created_at"] + EDIT_WINDOW
        for figures in own.values()
        if now <= figures["created_at"] + EDIT_WINDOW
    ]
    return {
        "votes": votes,
        "own": _own_parts(own, viewer, target, now) if own else {},
        "until": min(deadlines, default=None),
    }


def render_for_viewer(target: targets.Target, sort: Sort, page: int, news: dict | None, now: datetime):
    """The threads rendered for the viewer alone, every part of them."""
    thread = queries.thread_page(target.key, target.id, sort=sort, page=page, viewer=current_user)
    html = render_template(
        "comments/_threads.html",
        thread=thread,
        target=target,
        action_form=ActionForm(formdata=None) if current_user.is_authenticated else None,
        now=now,
        news=news,
    )
    return thread, Markup(html)  # noqa: S704 - our template's output


# Kept pages of threads, in this process too: an entry's key holds the data version, so what
# is under a key never changes, and the page need not come over from the shared cache each
# time. Only with a cache that keeps versions (NullCache's "none" would never move on).
_HERE = ProcessMemo(32)


def _look_up(key: str, mine_key: str | None, version: str) -> tuple[dict | None, dict | None]:
    """The kept page and the viewer's parts of it, in one round trip to the shared cache."""
    kept = _HERE.get(key)
    if kept is not None:
        if not mine_key:
            return kept, None
        fetched, mine = viewer_pages.read(mine_key)  # in a kept page: fetched with its other parts
        return kept, mine if fetched else cache.get(mine_key)
    kept, mine = cache.get_many(key, mine_key) if mine_key else (cache.get(key), None)
    if kept is not None:
        _keep_here(key, kept, version)
    return kept, mine


def _keep_here(key: str, kept: dict, version: str) -> None:
    if "none" not in version.split("."):
        _HERE.put(key, kept)


def _render_shared(target: targets.Target, sort: Sort, page: int, taking_part: bool) -> dict:
    thread = queries.thread_page(target.key, target.id, sort=sort, page=page, viewer=None)
    marks = Marks()
    action_form = None
    if taking_part:
        action_form = ActionForm(formdata=None)
        action_form.csrf_token.current_token = CSRF_MARK
    html = render_template(
        "comments/_threads.html",
        thread=thread,
        target=target,
        action_form=action_form,
        now=utcnow(),  # only the author's "Edit" depends on it, and that is filled in per viewer
        news=None,
        current_user=_Participant() if taking_part else AnonymousUserMixin(),
        viewer_marks=marks,
    )
    by_author: dict[int, dict[int, dict]] = {}  # author id -> their comments' own parts
    for comment_id, figures in marks.own_parts.items():
        if figures["author_id"] is not None:
            by_author.setdefault(figures["author_id"], {})[comment_id] = figures
    parts = _split(html)
    return {
        "parts": parts,
        "has_forms": (_CSRF, None) in parts,
        "by_author": by_author,
        "vote_buttons": marks.vote_buttons,
        "pending_authors": thread.pending_authors,
        "summary": ThreadSummary(
            sort=thread.sort,
            page=thread.page,
            total=thread.total,
            has_more=thread.has_more,
            threads=tuple(node.id for node in thread.threads),
            stances=thread.stances,
        ),
    }


def _split(html: str) -> list:
    """Text and markers in turn; a marker as (kind, comment id or None)."""
    pieces = _MARKER.split(html)
    parts: list = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            parts.append(piece)
        else:
            kind, _, number = piece.partition(":")
            parts.append((kind, int(number) if number else None))
    return parts


def fill(kept: dict, viewer, mine: dict, *, encoded: bool = False) -> str | bytes:
    """The kept page with the viewer's token, votes and own comments put in (`encoded`: in UTF-8)."""
    token = escape(generate_csrf()).encode() if viewer.is_authenticated and kept["has_forms"] else b""
    layout = kept.get(_LAYOUT)
    if layout is None:  # laid out once per kept page in this process
        layout = kept[_LAYOUT] = _lay_out(kept["parts"])
    text, pressed_at, own_at = layout
    # The viewer's few changes to the text as nobody's, in order: their votes pressed, their
    # comments' own parts (which hold the vote buttons of these comments).
    changes = [(*own_at[comment_id], html.encode()) for comment_id, html in mine["own"].items()]
    for comment_id, vote in mine["votes"].items():
        for offset in pressed_at.get((comment_id, _VOTE_PRESSED.get(vote)), ()):
            changes.append((offset, offset + len(b"false"), b"true"))
    pieces, done = [], 0
    for begin, end, replacement in sorted(changes):
        if begin >= done:  # not within a part already replaced
            pieces += (text[done:begin], replacement)
            done = end
    filled = (b"".join(pieces) + text[done:] if pieces else text).replace(_TOKEN_HOLE, token)
    return filled if encoded else filled.decode()


_LAYOUT = "layout"  # in a kept page: its text as nobody's and where the viewer's parts sit in it
_TOKEN_HOLE = b"\x00"


def _lay_out(parts: list) -> tuple[bytes, dict[tuple[int, str], list[int]], dict[int, tuple[int, int]]]:
    """The page as for somebody who voted on nothing and wrote nothing of it, in UTF-8 with
    NUL where the token goes, with the offsets of each vote button's "false" and of each
    comment's own parts (from its marker to its end)."""
    text = bytearray()
    pressed_at: dict[tuple[int, str], list[int]] = {}
    own_at: dict[int, tuple[int, int]] = {}
    own_begins: tuple[int, int] | None = None  # (comment id, offset) of the own parts being written
    for part in parts:
        if part.__class__ is str:
            text += part.encode()
            continue
        kind, comment_id = part
        if kind == _CSRF:
            text += _TOKEN_HOLE
        elif kind in _PRESSED:
            pressed_at.setdefault((comment_id, kind), []).append(len(text))
            text += b"false"
        elif kind == _OWN:
            own_begins = (comment_id, len(text))
        elif kind == _END and own_begins is not None:
            own_at[own_begins[0]] = (own_begins[1], len(text))
            own_begins = None
    return bytes(text), pressed_at, own_at


def _own_parts(own: dict[int, dict], viewer, target: targets.Target, now: datetime) -> dict[int, str]:
    """The votes and actions of the viewer's own comments, rendered for them by the same
    macro from what the shared render noted about these comments."""
    nodes = [_own_node(comment_id, figures, viewer) for comment_id, figures in own.items()]
    html = render_template(
        "comments/_own_parts.html",
        nodes=nodes,
        target=target,
        action_form=ActionForm(formdata=None),
        now=now,
        separator=Markup("\x00"),
    )
    return dict(zip(own, html.split("\x00"), strict=True))


def _own_node(comment_id: int, figures: dict, viewer) -> queries.CommentNode:
    # Everything the macro asks of the comment (whether the viewer wrote it, may still edit
    # or delete it) comes from these columns; the object is never added to the session.
    comment = Comment(
        id=comment_id,
        author_id=figures["author_id"],
        visibility=figures["visibility"],
        created_at=figures["created_at"],
    )
    up, down = figures["up"], figures["down"]
    return queries.CommentNode(comment, author_name=viewer.public_name, score=up - down, up=up, down=down)


# --- the form for a new comment ----------------------------------------------------------------

# The form as nobody has typed in it yet, per language and commentable thing, with the CSRF
# marker: it depends on nothing else, so each process renders it once.
_FRESH_FORMS = ProcessMemo(512)


class _Lazy:
    """HTML made only when a template writes it out (the form shows only to who may write)."""

    def __init__(self, make: Callable[[], str]):
        self._make = make

    def __html__(self) -> str:
        return self._make()


def comment_form(target: targets.Target, form, *, fresh: bool) -> _Lazy:
    """The new-comment form of the section: a `fresh` one (made for this page, not sent back
    with errors) from the memo with the viewer's token put in, any other rendered for it."""

    def make() -> str:
        if not fresh:
            return render_template("comments/_form.html", form=form, target=target)
        key = f"{request.script_root}:{current_locale()}:{target.key}:{target.id}:{int(bool(target.stances))}"
        html = _FRESH_FORMS.get(key)
        if html is None:
            blank = CommentForm(formdata=None)
            blank.csrf_token.current_token = CSRF_MARK
            html = render_template("comments/_form.html", form=blank, target=target)
            _FRESH_FORMS.put(key, html)
        return html.replace(CSRF_MARK, str(escape(generate_csrf())))

    return _Lazy(make)
