"""Follow buttons, the notification list and one-click unsubscribe from mail."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from participation.accounts.models import User
from participation.core import targets, viewer_pages
from participation.core.forms import ActionForm
from participation.core.loading import owned_or_404
from participation.core.locale import current_locale
from participation.core.pagination import page_number, paginate
from participation.extensions import csrf, db, htmx
from participation.notifications import mail, queries, services, tokens
from participation.notifications.blueprint import bp
from participation.notifications.models import Notification


def unread_notifications() -> int:
    if not current_user.is_authenticated:
        return 0
    read_along = current_user.read_along or {}
    if queries.UNREAD_ALONG in read_along:  # read with the user, in the request's first query
        return read_along[queries.UNREAD_ALONG]
    return queries.unread_count(current_user.id)


# The header's link for each count, language and page (it depends on nothing else).
_LINKS: dict[tuple, str] = {}


def notifications_link() -> str:
    """The header's link to the notifications for the viewer, in a kept page (core.viewer_pages)."""
    unread = unread_notifications()
    key = (request.script_root, current_locale(), request.endpoint, unread)
    html = _LINKS.get(key)
    if html is None:
        html = render_template("_notifications_link.html", unread=unread)
        if len(_LINKS) < 1024:
            _LINKS[key] = html
    return html


def follow_choice(target_type: str, target_id: int) -> Markup:
    """For a page kept for signed-in viewers (core.viewer_pages): the follow button both ways,
    and the target's authors (who follow it unless they stopped), for `following_choices`."""
    target = _follow_target(target_type, target_id)
    form = ActionForm(formdata=None)
    variants = {
        name: render_template(
            "notifications/_follow.html",
            follow={"target": target, "following": following, "action_form": form},
        )
        for name, following in (("yes", True), ("no", False))
    }
    authors = tuple(sorted(target.author_ids()))
    return viewer_pages.viewer_choice("following", target.key, target.id, authors, **variants)


def following_choices(choices: list[tuple]) -> list[str]:
    """Whether the viewer follows each target of a kept page (as services.is_following)."""
    return ["yes" if services.follows_ids(current_user.id, key, target_id, authors) else "no"
            for key, target_id, authors in choices]


def _follow_target(target_type: str, target_id: int) -> targets.Target:
    target = targets.resolve(target_type, target_id)
    if target is None or not target.type.followable or not target.can_view(current_user):
        abort(404)
    return target


def follow_state(target_type: str, target_id: int) -> dict:
    """For pages of followable things: `{% with follow = follow_state("project", p.id) %}`."""
    target = _follow_target(target_type, target_id)
    return {
        "target": target,
        "following": services.is_following(current_user, target),
        # only signed-in people get a form: a CSRF token would give visitors a session cookie
        "action_form": ActionForm(formdata=None) if current_user.is_authenticated else None,
    }


@bp.post("/folgen/<target_type>/<int:target_id>")
def toggle_follow(target_type: str, target_id: int):
    target = _follow_target(target_type, target_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    following = request.form.get("follow") == "1"
    services.set_following(current_user, target, following)
    db.session.commit()
    if following:
        message = _("You follow “%(title)s” now. We will tell you about news.", title=target.title)
    else:
        message = _("You no longer follow “%(title)s”.", title=target.title)
    if not htmx:
        flash(message, "success")
        response = redirect(target.url)
    else:
        response = make_response(
            render_template(
                "notifications/_follow.html",
                follow={"target": target, "following": following, "action_form": ActionForm(formdata=None)},
                announcement=message,
            )
        )
    response.vary.add("HX-Request")
    return response


@bp.get("/benachrichtigungen")
def index():
    page = paginate(Notification.for_user(current_user.id), per_page=30)
    return render_template("notifications/index.html", page=page, action_form=ActionForm(formdata=None))


@bp.post("/benachrichtigungen/gelesen")
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.mark_read(current_user)
    db.session.commit()
    flash(_("All notifications are marked as read.") if count else _("There was nothing new."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/benachrichtigungen/<int:note_id>/gelesen")
def mark_read(note_id: int):
    note = owned_or_404(Notification, note_id, user_id=current_user.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user, note.id)
    db.session.commit()
    flash(_("The notification is marked as read."), "success")
    return redirect(url_for("notifications.index", page=page_number()))


@bp.route("/abmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail program posts without our token; the token is the proof
def unsubscribe(token: str):
    checked = tokens.check(token)
    if checked.expired:
        return (
            render_template(
                "notifications/unsubscribe.html", expired=True, days=tokens.UNSUBSCRIBE_LINK_MAX_AGE.days
            ),
            410,
        )
    user = db.session.get(User, checked.user_id) if checked.user_id is not None else None
    if user is None or user.is_deleted:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    if request.method == "POST":
        mail.unsubscribe(user)
        db.session.commit()
        return render_template("notifications/unsubscribe.html", done=True)
    # A GET only asks: link scanners open every link in a mail, and must not unsubscribe anyone.
    return render_template("notifications/unsubscribe.html", token=token)
