"""Localized error pages, and a filled-in form again when its CSRF token was bad."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from participation.extensions import db, limiter

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
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


def _retry_after_seconds() -> int | None:
    current = getattr(limiter, "current_limit", None)
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))  # as Flask-Limiter's own header


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerenders_on_csrf_error", False):
            g.csrf_failed = True
            response = current_app.make_response(view(**(request.view_args or {})))
            response.status_code = 400
            return response
        return _error_page(400)

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda error, code=code: _error_page(code))

    @app.errorhandler(429)
    def too_many_requests(error):
        seconds = _retry_after_seconds()
        body, code = _error_page(429, retry_minutes=math.ceil(seconds / 60) if seconds else None)
        headers = {"Retry-After": str(seconds)} if seconds else {}
        return body, code, headers

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _error_page(500)
