"""Absolute links for mails and feeds, built from BASE_URL rather than the request's host.

Behind a proxy the request's host may be internal, and CLI commands (mail digests) have no
request at all; the configured public address is right in both cases.
"""

from flask import current_app, has_request_context, url_for

from participation.core.settings_access import current_settings


def external_url(endpoint: str, **values) -> str:
    base = current_settings().base_url.rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def absolute_link(path: str) -> str:
    """A site-relative link kept in the database (a notification's `/kommentare/7`) made absolute."""
    return current_settings().base_url.rstrip("/") + path
