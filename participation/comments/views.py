"""Comment threads on any registered target: read, write, answer, vote, edit, delete.

Every action works as a plain form with a redirect to the comment where it stands in its
object's page (or its permalink, when that page does not show it), where a note says what
happened; with htmx the same routes answer with the changed fragment instead (Vary: HX-Request).
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.comments import queries, services, shared_threads
from participation.comments.blueprint import bp
from participation.comments.forms import CommentForm, ReplyForm
from participation.comments.models import SORT_LABELS, STANCE_LABELS, Comment, Sort
from participation.core import targets
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.models import utcnow
from participation.core.pagination import page_number
from participation.extensions import db, htmx, limiter

# What the last plain-form action did, shown once at the comment it concerns: the flash at the
# top of the layout is out of sight when the page opens at the comment's anchor.
_NEWS_KEY = "comment_news"


def _waits() -> str:
    return _("Thank you. Your comment waits for approval by the moderation; until then only you can see it.")


def _per_account() -> str:
    # the user id, not the login token: limiter keys end up in Redis
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{request.remote_addr}"


# Comments and answers together: one budget per account, whatever the form.
writing_limit = limiter.shared_limit(
    "10 per minute", scope="comments-writing", key_func=_per_account, methods=["POST"]
)


def load_target(target_type: str, target_id: int) -> targets.Target:
    target = targets.resolve(target_type, target_id)
    if target is None or not target.type.commentable or not target.can_view(current_user):
        abort(404)
    return target


def load_comment(comment_id: int) -> tuple[Comment, targets.Target]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment, load_target(comment.target_type, comment.target_id)


def _sort() -> Sort:
    try:
        return Sort(request.args.get("sort", Sort.NEWEST.value))
    except ValueError:
        return Sort.NEWEST


def _action_form():
    """The CSRF-carrying form for buttons, only for signed-in people: anonymous visitors get
    no session cookie (generating a token would set one)."""
    return ActionForm(formdata=None) if current_user.is_authenticated else None


def _take_news() -> dict | None:
    return session.pop(_NEWS_KEY, None) if _NEWS_KEY in session else None


def section_context(target: targets.Target, *, sort: Sort | None = None, page: int = 1, form=None) -> dict:
    """The comment section's context: `thread` holds its figures, `threads_html` the page of
    threads and `form_html` the form, shared by everybody but for each viewer's own parts
    (comments.shared_threads)."""
    fresh = form is None
    if form is None and current_user.is_authenticated:
        form = CommentForm(formdata=None)
    news = None if htmx else _take_news()
    now = utcnow()
    thread, threads_html = shared_threads.section_threads(target, sort or Sort.NEWEST, page, news, now)
    return {
        "news": news,
        "target": target,
        "thread": thread,
        "threads_html": threads_html,
        "form": form,
        "form_html": shared_threads.comment_form(target, form, fresh=fresh),
        "action_form": _action_form(),
        "sort_labels": SORT_LABELS,
        "stance_labels": STANCE_LABELS,
        "now": now,
    }


def comment_section(target_type: str, target_id: int) -> dict:
    """For the pages of commentable things: `{% with c = comment_section("idea", idea.id) %}`."""
    target = load_target(target_type, target_id)
    return section_context(target, sort=_sort())


def _respond(fragment: str, page: str, status: int = 200, **context):
    """The fragment for htmx, the page otherwise. htmx swaps only 2xx answers, so a refusal
    it must show (the form with its errors) goes to it as 200, to everybody else as `status`."""
    template = fragment if htmx else page
    response = make_response(render_template(template, **context), 200 if htmx else status)
    response.vary.add("HX-Request")
    return response


def _land_on(comment: Comment | None, target: targets.Target, message: str):
    """After a plain form: the comment in its object's page when that page shows it (else its
    permalink), with `message` there and in the layout's live region. Without a comment (it
    was deleted and left no placeholder), the object's comment section."""
    flash(message, "success")
    session[_NEWS_KEY] = {"id": comment.id if comment else None, "message": message}
    if comment is None:
        location = f"{target.url}#comments"
    elif queries.on_first_page(comment):
        location = f"{target.url}#comment-{comment.id}"
    else:
        location = url_for("comments.permalink", comment_id=comment.id) + f"#comment-{comment.id}"
    response = redirect(location)
    response.vary.add("HX-Request")
    return response


def _back_to(comment: Comment | None, target: targets.Target):
    location = url_for("comments.permalink", comment_id=comment.id) if comment else target.url
    response = redirect(location + (f"#comment-{comment.id}" if comment else "#comments"))
    response.vary.add("HX-Request")
    return response


@bp.get("/kommentare/<target_type>/<int:target_id>")
def thread(target_type: str, target_id: int):
    target = load_target(target_type, target_id)
    page = page_number()
    context = section_context(target, sort=_sort(), page=page)
    if htmx and page > 1:
        return _respond("comments/_more.html", "comments/thread.html", **context)
    return _respond("comments/_section.html", "comments/thread.html", **context)


@bp.post("/kommentare/<target_type>/<int:target_id>")
@writing_limit
@rerenders_on_csrf_error
def create(target_type: str, target_id: int):
    target = load_target(target_type, target_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.add_comment(target, current_user, form.body.data, form.stance.data or None)
        except services.CommentRefused as refused:
            form.body.errors = [str(refused.message)]
        else:
            db.session.commit()
            message = _("Your comment has been published.") if comment.is_visible else _waits()
            if not htmx:
                return _land_on(comment, target, message)
            return _respond(
                "comments/_section.html",
                "comments/thread.html",
                announcement=message,
                **section_context(target),
            )
    return _respond(
        "comments/_section.html", "comments/thread.html", status=422, **section_context(target, form=form)
    )


@bp.route("/kommentare/<int:comment_id>/antworten", methods=["GET", "POST"])
@writing_limit
@rerenders_on_csrf_error
def reply(comment_id: int):
    parent, target = load_comment(comment_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            answer = services.add_reply(target, parent, current_user, form.body.data)
        except services.CommentRefused as refused:
            form.body.errors = [str(refused.message)]
        else:
            db.session.commit()
            return _land_on(
                answer, target, _("Your answer has been published.") if answer.is_visible else _waits()
            )
    return show_form(
        "comments/reply.html", form, parent=parent, target=target, node=queries.node_for(parent, current_user)
    )


@bp.get("/kommentare/<int:comment_id>")
def permalink(comment_id: int):
    comment, target = load_comment(comment_id)
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    return render_template(
        "comments/permalink.html",
        target=target,
        node=queries.single_thread(root, current_user),
        highlight=comment.id,
        news=_take_news(),
        action_form=_action_form(),
        now=utcnow(),
    )


@bp.route("/kommentare/<int:comment_id>/bearbeiten", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit(comment_id: int):
    comment, target = load_comment(comment_id)
    if not comment.can_edit(current_user):
        abort(403)
    form = CommentForm(obj=comment) if comment.depth == 0 else ReplyForm(obj=comment)
    if comment.depth == 0 and not form.is_submitted():
        form.stance.data = comment.stance or ""  # "no stance" is a choice of its own
    if form.validate_on_submit():
        stance = getattr(form, "stance", None)
        try:
            services.edit_comment(
                target, comment, current_user, form.body.data, stance.data if stance is not None else None
            )
        except services.CommentRefused as refused:
            form.body.errors = [str(refused.message)]
        else:
            db.session.commit()
            return _land_on(comment, target, _("Your comment has been changed."))
    if not target.stances and hasattr(form, "stance"):
        del form.stance
    deadline = comment.created_at + timedelta(minutes=15)
    return show_form("comments/edit.html", form, comment=comment, target=target, deadline=deadline)


@bp.route("/kommentare/<int:comment_id>/loeschen", methods=["GET", "POST"])
def delete(comment_id: int):
    """GET asks (a page that works without JavaScript), POST deletes."""
    comment, target = load_comment(comment_id)
    if not comment.can_delete(current_user):
        abort(403)
    if request.method == "GET":
        return render_template(
            "comments/delete.html",
            comment=comment,
            target=target,
            node=queries.node_for(comment, current_user),
            action_form=ActionForm(formdata=None),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_comment(comment, current_user)
    db.session.commit()
    # a placeholder stays where answers hang on the comment; otherwise it leaves the thread
    placeholder = comment if queries.still_shown(comment, current_user) else None
    return _land_on(placeholder, target, _("Your comment has been deleted."))


@bp.post("/kommentare/<int:comment_id>/stimme")
@limiter.limit("60 per minute", key_func=_per_account)
def vote(comment_id: int):
    comment, target = load_comment(comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    value = {"up": 1, "down": -1}.get(request.form.get("value", ""))
    if value is None:
        abort(400)
    try:
        held = services.vote(target, comment, current_user, value)
    except services.CommentRefused as refused:
        db.session.rollback()
        if htmx:
            return _respond(
                "comments/_votes.html",
                "comments/permalink.html",
                status=422,
                node=queries.node_for(comment, current_user),
                target=target,
                action_form=_action_form(),
                announcement=str(refused.message),
            )
        flash(str(refused.message), "error")
        return _back_to(comment, target)
    db.session.commit()
    message = {
        1: _("You voted this comment up."),
        -1: _("You voted this comment down."),
        0: _("Your vote has been taken back."),
    }[held]
    if not htmx:
        return _land_on(comment, target, message)
    return _respond(
        "comments/_votes.html",
        "comments/permalink.html",
        node=queries.node_for(comment, current_user),
        target=target,
        action_form=_action_form(),
        announcement=message,
    )
