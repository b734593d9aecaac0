"""Localized error pages, and a filled-in form again when its CSRF token was bad."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from participation.core import access, rate_limits
from participation.extensions import db, limiter

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Not authorised"), _l("This address needs a valid personal API token.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. It may have moved or been removed.")),
    405: (_l("Not allowed"), _l("This address cannot be used in this way.")),
    413: (
        _l("Upload too large"),
        _l("What you sent is larger than we accept. Please choose a smaller file."),
    ),
    429: (_l("Too many attempts"), _l("You have tried this too often in a short time.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. We have been notified. Please try again later."),
    ),
}


def rerenders_on_csrf_error(view):
    """Mark a view whose first act on POST is validating a FlaskForm.

    When the CSRF token is missing or stale, such a view is run again: its form fails on the
    token, nothing is written, and the person gets the form back with everything typed.
    """
    view.rerenders_on_csrf_error = True
    return view


def _error_page(code: int, **extra):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=text, **extra), code


def answer_json_under(app: Flask, prefix: str, render=None) -> None:
    """Errors of every request under `prefix` (an API) are JSON documents, not pages:
    unmatched URLs and wrong methods included, which no blueprint handler would see.
    `render(code, error)` makes the response; by default an RFC 9457 problem document."""
    app.extensions.setdefault("json_error_prefixes", {})[prefix.rstrip("/")] = render or _problem


def _json_renderer():
    path = request.path
    for prefix, render in current_app.extensions.get("json_error_prefixes", {}).items():
        if path == prefix or path.startswith(prefix + "/"):
            return render
    return None


def _answers_json() -> bool:
    return _json_renderer() is not None


def error_detail(code: int, error: HTTPException | None) -> str:
    """The reason the view gave, if it gave one; else the translated sentence for the status."""
    detail = getattr(error, "description", None)
    if error is None or detail == type(error).description:  # werkzeug's generic sentence
        detail = str(ERROR_TEXTS.get(code, ERROR_TEXTS[500])[1])
    return str(detail)


def _problem(code: int, error: HTTPException | None):
    """An RFC 9457 problem document; `detail` is the reason the view gave, if it gave one."""
    response = jsonify(type="about:blank", title=HTTP_STATUS_CODES.get(code, "Error"), status=code,
                       detail=error_detail(code, error))
    response.status_code = code
    response.mimetype = "application/problem+json"
    return response


def _error_response(code: int, error: HTTPException | None):
    """The error page (or problem+json under an API), keeping headers the status needs:
    RFC 9110 requires `Allow` on every 405."""
    keep = ("Allow", "WWW-Authenticate")
    headers = {k: v for k, v in error.get_headers() if k in keep} if error is not None else {}
    if code == 401:  # RFC 9110: a 401 names the scheme that would work
        headers.setdefault("WWW-Authenticate", "Bearer")
    render = _json_renderer()
    if render is not None:
        response = render(code, error)
    elif code in ERROR_TEXTS:
        response = current_app.make_response(_error_page(code))
    else:
        response = error.get_response()
    response.headers.update(headers)
    return response


def _rerender_after_csrf_failure(view):
    """Run the view again so its form shows the token error with everything typed kept.

    The route's access rule already ran before the CSRF check (see create_app); it is asked
    again here all the same, so this handler can never become a way past it. An abort() in
    the view answers with its own status page, as it would have without the bad token."""
    try:
        refused = access.enforce_access()
        if refused is not None:
            return refused
        # The token may well be valid (the referrer check under HTTPS failed, say): the form
        # must fail all the same, or the rerun would carry out what CSRF protection refused.
        rate_limits.make_form_fail_on_its_token()
        response = current_app.make_response(view(**(request.view_args or {})))
    except HTTPException as error:
        return current_app.handle_http_exception(error)
    if response.status_code in (200, 422):  # the form with its errors; a redirect stays one
        response.status_code = 400
    return response


def _retry_after_seconds() -> int | None:
    current = getattr(limiter, "current_limit", None)
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))  # as Flask-Limiter's own header


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerenders_on_csrf_error", False) and not _answers_json():
            return _rerender_after_csrf_failure(view)
        return _error_response(400, error)

    @app.errorhandler(HTTPException)
    def http_error(error):
        return _error_response(error.code, error)

    @app.errorhandler(429)
    def too_many_requests(error):
        seconds = _retry_after_seconds()
        minutes = math.ceil(seconds / 60) if seconds else None
        headers = {"Retry-After": str(seconds)} if seconds else {}
        render = _json_renderer()
        if render is not None:
            response = render(429, error)
            response.headers.update(headers)
            return response
        form_page = rate_limits.form_again(minutes)  # what was typed stays
        if form_page is not None:
            form_page.headers.update(headers)
            return form_page
        body, code = _error_page(429, retry_minutes=minutes)
        return body, code, headers

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _error_response(500, error)
