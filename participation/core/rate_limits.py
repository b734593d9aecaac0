"""A form refused by a rate limit comes back filled in, with the 429 message, not a bare page.

The mechanism is that of `rerenders_on_csrf_error` (core.errors): a view so marked validates
its FlaskForm before it does anything, so it can be run again in a state where the form
cannot pass. Here the form is made to fail on its CSRF token (the token the person sent is
left out of the form data for this run); nothing is written, and the page shows everything
that was typed, the error summary saying why it was refused and when to try again.

The re-run keeps every rule a normal request has: it happens only for someone the route's
access rule admits (that rule ran before the limiter, and is asked again here so that this
path can never lead past it), the limits are not counted twice (the limiter's wrappers are
skipped: they have already refused), and a view that aborts (an unknown slug) leaves the
plain 429 page, which tells nothing about the slug.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from participation.core.access import allows

_LIMITER_MARK = "__wrapper-limiter-instance"  # set by Flask-Limiter on each of its view wrappers


def _without_rate_limits(view):
    while getattr(view, _LIMITER_MARK, None) is not None and hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _may_use_route() -> bool:
    rule = current_app.extensions["route_access"].get(request.endpoint or "")
    return rule is not None and allows(rule, current_user)


def make_form_fail_on_its_token() -> None:
    """Drop the sent CSRF token(s) from the form data for this run, and forget that
    CSRFProtect had accepted it: the form then fails on the token, and on nothing else."""
    raw = request._get_current_object()
    kept = [(key, value) for key, value in request.form.items(multi=True) if not key.endswith("csrf_token")]
    raw.__dict__["form"] = ImmutableMultiDict(kept)
    raw.__dict__.pop("values", None)  # request.values combines args and form: build it anew
    g.csrf_valid = False


def form_again(retry_minutes: int | None):
    """The form page again (status 429) for a refused form POST, or None for the plain page."""
    if request.method != "POST":
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not getattr(view, "rerenders_on_csrf_error", False) or not _may_use_route():
        return None
    g.rate_limited = {"retry_minutes": retry_minutes}
    make_form_fail_on_its_token()
    try:
        response = current_app.make_response(_without_rate_limits(view)(**(request.view_args or {})))
    except HTTPException:
        response = None
    if response is None or response.status_code not in (200, 422):  # not the form again: only 429
        g.pop("rate_limited", None)
        return None
    response.status_code = 429
    return response
