"""Helpers for the tests of pages kept for signed-in viewers (core.viewer_pages): each viewer's
page from the kept entry must be the page rendered for them alone, but for the parts that
differ on every request anyway (CSRF token, CSP nonce, map element names, live cursor)."""

from __future__ import annotations

import difflib
import re

from flask_caching.backends import SimpleCache
from flask_login.utils import _create_identifier

from participation.core import viewer_pages
from participation.extensions import cache
from tests.conftest import login

_MAP_IDS = re.compile(r"_[0-9a-f]{32}(?![0-9a-f])")
_CURSOR = re.compile(r'data-cursor="[^"]*"')


def client_for(app, user=None):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        login(client, user)
        context = app.test_request_context(environ_base=client.environ_base)
        with context, client.session_transaction() as session:
            session["_id"] = _create_identifier()  # as a sign-in through the form leaves it
    return client


def token_of(html: str) -> str | None:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    return match.group(1) if match else None


def normalised(response) -> str:
    html = response.get_data(as_text=True)
    token = token_of(html)
    if token:
        html = html.replace(token, "TOKEN")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = html.replace(nonce, "NONCE")
    return _CURSOR.sub('data-cursor="CURSOR"', _MAP_IDS.sub("_ID", html))


class Pages:
    """Gets a page from the kept entries (a SimpleCache) or rendered for the viewer alone."""

    def __init__(self, app, monkeypatch):
        self.app = app
        self.monkeypatch = monkeypatch
        self.kept = SimpleCache()
        self.none = app.extensions["cache"][cache]
        monkeypatch.setitem(app.extensions["cache"], cache, self.kept)

    def from_cache(self, client, path: str):
        self.monkeypatch.setitem(self.app.extensions["cache"], cache, self.kept)
        response = client.get(path)
        assert response.status_code == 200, path
        return response

    def alone(self, client, path: str):
        """The page rendered for the client's viewer, with no cache at all."""
        with self.monkeypatch.context() as patch:
            patch.setitem(self.app.extensions["cache"], cache, self.none)
            patch.setattr(viewer_pages, "_plain_viewer_request", lambda allowed: False)
            response = client.get(path)
        assert response.status_code == 200, path
        return response

    def assert_same(self, client, path: str) -> str:
        """The kept page equals the viewer's own; returns it (normalised)."""
        kept = normalised(self.from_cache(client, path))
        alone = normalised(self.alone(client, path))
        if kept != alone:
            lines = alone.splitlines(), kept.splitlines()
            diff = difflib.unified_diff(*lines, "alone", "kept", n=1, lineterm="")
            raise AssertionError("\n".join(list(diff)[:40]))
        return kept

    def kept_keys(self) -> list[str]:
        return [key for key in self.kept._cache if key.startswith("viewer-page:")]
