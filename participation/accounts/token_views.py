"""Personal API tokens on the account page, for council staff: make one (shown once), see
one's tokens, revoke one. The chamber's voting and A/V systems use them for the live
session's JSON API (council/live_api.py); api_tokens.py keeps only their hashes.

The section `_api_tokens.html` is part of the account page and of its own page
(/account/api-tokens), which is where a plain form lands; with htmx the section alone is
swapped (static/js/htmx-sections.js keeps focus and reads the news out). The new token is
answered directly, never stored in the session or put in a redirect's URL, and the answer
is not cached anywhere.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from participation.accounts import api_tokens
from participation.accounts.blueprint import bp
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, max_length, required, strip_whitespace
from participation.extensions import db, htmx

MAX_TOKENS = 20  # active tokens per person: enough for every system of a chamber


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[required(), max_length(100)],
        filters=[strip_whitespace],
        description=_l("What it is for, so that you recognise it later: “Voting system, chamber”."),
        render_kw={"autocomplete": "off"},
    )


def _section_context(**extra) -> dict:
    """What `_api_tokens.html` shows: the person's tokens and a form for a new one."""
    context = {
        "api_tokens": list(db.session.scalars(api_tokens.tokens_of(current_user.id))),
        "token_form": ApiTokenForm(prefix="token", formdata=None),
        "revoke_form": ActionForm(formdata=None),
        "new_token": None,
        "announcement": None,
    }
    context.update(extra)
    return context


# for the account page's section (accounts/account.html includes _api_tokens.html)
bp.add_app_template_global(_section_context, "api_token_section")


def _answer(status: int = 200, **extra):
    """The token page, or the section alone for htmx (200 there: htmx swaps only 2xx)."""
    template = "accounts/_api_tokens.html" if htmx else "accounts/api_tokens.html"
    response = make_response(render_template(template, **_section_context(**extra)), 200 if htmx else status)
    response.headers["Cache-Control"] = "no-store"  # it may hold a new token
    response.vary.add("HX-Request")
    return response


@bp.get("/account/api-tokens", endpoint="api_tokens")
def api_tokens_page():
    return _answer()


@bp.post("/account/api-tokens")
@rerenders_on_csrf_error
def create_api_token():
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        return _answer(422, token_form=form)
    count = len(db.session.scalars(api_tokens.tokens_of(current_user.id)).all())
    if count >= MAX_TOKENS:
        form.name.errors = [
            _("You have %(max)s tokens already. Revoke one you no longer use first.", max=MAX_TOKENS)
        ]
        return _answer(422, token_form=form)
    row, token = api_tokens.create(current_user, form.name.data)
    db.session.commit()
    return _answer(new_token=(row.name, token), announcement=_("Your new token is shown once. Copy it now."))


@bp.post("/account/api-tokens/<int:token_id>/widerrufen")
def revoke_api_token(token_id: int):
    row = db.session.get(api_tokens.ApiToken, token_id)
    if row is None or row.user_id != current_user.id or row.revoked_at is not None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    api_tokens.revoke(row, current_user)
    db.session.commit()
    message = _(
        "The token “%(name)s” is revoked. Systems that use it are refused from now on.", name=row.name
    )
    if htmx:
        return _answer(announcement=message)
    flash(message, "success")
    response = redirect(url_for("accounts.account", _anchor="api-tokens"))
    response.vary.add("HX-Request")
    return response
