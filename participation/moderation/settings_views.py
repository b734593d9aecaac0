"""Staff set up moderation: the watch-word lists per language and where new content waits
for approval (a consultation's ideas, the comments of a project, a paper or all petitions)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core import targets
from participation.core.forms import ActionForm
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.moderation import screening
from participation.moderation.blueprint import bp
from participation.moderation.forms import PreModerationForm, WatchWordsForm
from participation.moderation.models import PreModeration

# What a pre-moderated page holds back: ideas of a consultation, comments elsewhere.
PREMODERATED_KINDS = ("consultation", "project", "council_paper")
ALL_PETITIONS = ("petition", None)


def _page(words_form=None, place_form=None, status: int = 200):
    lists = screening.watch_words()
    words_form = words_form or WatchWordsForm(data={f"words_{k}": "\n".join(v) for k, v in lists.items()})
    places = []
    for row in screening.premoderated_places():
        target = targets.resolve(row.scope_type, row.scope_id) if row.scope_id is not None else None
        places.append((row, target))
    body = render_template(
        "moderation/settings.html",
        words_form=words_form,
        place_form=place_form or PreModerationForm(),
        action_form=ActionForm(),
        places=places,
        petitions_on=any(row.scope_type == "petition" and row.scope_id is None for row, _t in places),
    )
    return body, status


@bp.get("/moderation/einstellungen")
def settings():
    return _page()


@bp.post("/moderation/einstellungen/woerter")
def save_watch_words():
    form = WatchWordsForm()
    if not form.validate_on_submit():
        return _page(words_form=form, status=422)
    for locale in screening.LOCALES:
        screening.replace_watch_words(
            locale, (getattr(form, f"words_{locale}").data or "").splitlines(), current_user
        )
    db.session.commit()
    flash(_("The watch words are saved. New posts are checked against them."), "success")
    return redirect(url_for("moderation.settings"))


@bp.post("/moderation/einstellungen/vormoderation")
def switch_on_premoderation():
    form = PreModerationForm()
    if form.validate_on_submit():
        target = targets.resolve_link(form.page_url.data, current_settings().base_url)
        if target is None or target.key not in PREMODERATED_KINDS:
            form.page_url.errors = [
                _("This is not the address of a consultation, a project or a council paper of this site.")
            ]
        else:
            screening.switch_on(target.key, target.id, current_user)
            db.session.commit()
            flash(_("New posts on “%(title)s” now wait for approval.", title=target.title), "success")
            return redirect(url_for("moderation.settings"))
    return _page(place_form=form, status=422)


@bp.post("/moderation/einstellungen/vormoderation/petitionen")
def switch_on_for_petitions():
    if not ActionForm().validate_on_submit():
        abort(400)
    screening.switch_on(*ALL_PETITIONS, current_user)
    db.session.commit()
    flash(_("New comments on petitions now wait for approval."), "success")
    return redirect(url_for("moderation.settings"))


@bp.post("/moderation/einstellungen/vormoderation/<int:place_id>/aus")
def switch_off_premoderation(place_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    screening.switch_off(db.get_or_404(PreModeration, place_id), current_user)
    db.session.commit()
    flash(_("New posts there appear at once again. What already waits still needs a decision."), "success")
    return redirect(url_for("moderation.settings"))
