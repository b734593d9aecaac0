"""Absolute links for mails and feeds, built from BASE_URL rather than the request's host.

Behind a proxy the request's host may be internal, a hostile client may send any `Host`, and
CLI commands (mail digests) have no request at all; the configured public address is right in
every case. The URL map is bound to BASE_URL itself, so nothing of the request enters a link.
"""

from urllib.parse import quote, urlsplit

from flask import current_app

from participation.core.settings_access import current_settings


def external_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    base = urlsplit(current_settings().base_url.rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(_anchor, safe='-_.~')}" if _anchor else url


def absolute_link(path: str) -> str:
    """A site-relative link kept in the database (a notification's `/kommentare/7`) made absolute."""
    return current_settings().base_url.rstrip("/") + path
