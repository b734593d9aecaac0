"""The poll's fast path: a WSGI layer in front of the app that answers `GET /live/poll` with
304 when nothing changed for an anonymous visitor, without Flask.

A council session watched live is polled thousands of times a second by pages without
EventSource, nearly always to hear "nothing new". Through Flask each such answer costs a
request context, the session, the access check, CSRF, the limiter and the security headers:
about 1 ms of a core, which caps a two-core machine near 1,500 polls a second. The 304
depends on none of it for someone not signed in: only on the topics asked for and the newest
event of each (views._etag). So this layer answers it from one broker round trip, with the
same ETag and caching headers as the view and the security headers of a non-document.

Everything else goes on to the app untouched, which then decides as always: a signed-in
person (their own topic joins the etag; a session cookie naming a user, a remember cookie,
an Authorization header), anything but `topic` and `after` in the query, a topic that is
malformed, unknown or not public, an ETag that does not match (the answer has news, and the
view sends it, rate limit included), and a broker that is down (the view's 503). Only
unchanged answers skip the rate limit: one costs a broker round trip, as counting it would.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

from flask import Flask
from flask_login import AnonymousUserMixin
from werkzeug.http import parse_cookie, parse_etags

from participation.extensions import db
from participation.live import topics
from participation.live.broker import BrokerUnavailable, parse_id

PATH = "/live/poll"
VISIBILITY_SECONDS = 5.0  # how long a topic's "public" answer is trusted: as the pages' own caches
_HEADERS = [
    ("Cache-Control", "private, no-cache"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
_HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


class PollFastPath:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self.trusts_proxies = bool(app.extensions["settings"].trusted_proxies)
        # topic -> until when it counts as public (in app.extensions, so that tests can forget it)
        self._public_until: dict[str, float] = app.extensions.setdefault("live_public_topics", {})

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO") == PATH
            and environ.get("HTTP_IF_NONE_MATCH")
        ):
            etag = self._unchanged(environ)
            if etag is not None:
                headers = [("ETag", f'W/"{etag}"'), *_HEADERS]
                if self._secure(environ):
                    headers.append(_HSTS)
                start_response("304 NOT MODIFIED", headers)
                return [b""]
        return self.wsgi_app(environ, start_response)

    def _unchanged(self, environ) -> str | None:
        """The ETag when the visitor is anonymous, the topics public and nothing new; else None."""
        if environ.get("HTTP_AUTHORIZATION") or not self._anonymous(environ.get("HTTP_COOKIE", "")):
            return None
        asked, after = [], None
        for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            if name == "topic":
                asked.append(value)
            elif name == "after" and after is None:
                after = value
            else:
                return None
        wanted = self._public_topics(asked)
        if wanted is None:
            return None
        from participation.live.views import _etag  # the view's own: both must always agree

        try:
            _head, backlog = self.app.extensions["live_broker"].head_and_backlog(
                wanted, parse_id(after) if after is not None else None
            )
        except BrokerUnavailable:
            return None
        etag = _etag(wanted, backlog.newest)
        return etag if parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(etag) else None

    def _anonymous(self, cookie_header: str) -> bool:
        """No signed-in person: no remember cookie, and a session (if any) that names nobody.
        A session whose signature does not hold is empty for Flask as well."""
        if not cookie_header:
            return True
        cookies = parse_cookie(cookie_header)
        if self.app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return False
        value = cookies.get(self.app.config["SESSION_COOKIE_NAME"])
        if not value:
            return True
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except Exception:  # noqa: BLE001 - as Flask: a session that does not verify is empty
            return True
        return "_user_id" not in data

    def _public_topics(self, asked: list[str]) -> list[str] | None:
        if not asked or len(asked) > topics.MAX_TOPICS:
            return None
        wanted = []
        now = time.monotonic()
        for raw in asked:
            parsed = topics.parse_topic(raw)
            if parsed is None or parsed[0] == topics.USER_KIND:
                return None
            kind, number = parsed
            topic = f"{kind}:{number}"
            if self._public_until.get(topic, 0.0) < now:
                if not self._may_follow(kind, number):
                    return None
                self._public_until[topic] = now + VISIBILITY_SECONDS
            wanted.append(topic)
        return list(dict.fromkeys(wanted))

    def _may_follow(self, kind: str, number: int) -> bool:
        may_follow = topics.rule_for(kind)
        if may_follow is None:
            return False
        with self.app.app_context():
            try:
                return bool(may_follow(number, AnonymousUserMixin()))
            finally:
                db.session.remove()

    def _secure(self, environ) -> bool:
        if environ.get("wsgi.url_scheme") == "https":
            return True
        return self.trusts_proxies and environ.get("HTTP_X_FORWARDED_PROTO", "").lower() == "https"


def install(app: Flask) -> None:
    """Put the fast path in front of the app (called by live.init_app)."""
    app.wsgi_app = PollFastPath(app.wsgi_app, app)
