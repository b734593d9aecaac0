"""Server-side sign-ins: each signed-in browser is one AccountSession row.

Flask-Login keeps a random token in the session cookie (and, with "stay signed in", in the
remember cookie); the database keeps only its SHA-256. Every request looks the user up by
that hash in one indexed query. Signing out deletes the row, so a copy of either cookie made
before is worthless afterwards; "sign out everywhere" and a new password delete the others.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import Select, bindparam, delete

from participation.accounts.models import AccountSession, User
from participation.core.models import utcnow
from participation.extensions import db

# Without "stay signed in" the cookie lasts until the browser closes; browsers that restore
# their tabs keep it longer, so the server ends such a sign-in after a day at the latest.
SESSION_LIFETIME = timedelta(hours=24)
DEFAULT_REMEMBER_LIFETIME = timedelta(days=365)  # Flask-Login's default for its cookie


# Figures of the signed-in person that every page shows, read in the same query as the person
# (a correlated scalar subquery each) instead of a query of their own per page: features name
# them in init_app (`read_along`); the values wait in `user.read_along`, as they were when the
# request began.
_READ_ALONG: dict[str, Callable] = {}


def read_along(name: str, figure: Callable) -> None:
    """Load `figure(User.id)`, a scalar subquery on the user's id, with every signed-in user."""
    _READ_ALONG[name] = figure


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _remember_lifetime() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_REMEMBER_LIFETIME)
    return timedelta(seconds=duration) if isinstance(duration, int) else duration


def start(user: User, *, remember: bool = False) -> str:
    """Open a new sign-in for `user`; returns its token and sets it as `user.session_token`,
    ready for `login_user`. The user's expired sign-ins are cleared on the way."""
    now = utcnow()
    db.session.execute(
        delete(AccountSession).where(AccountSession.user_id == user.id, AccountSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountSession(
            user_id=user.id,
            token_hash=hash_token(token),
            remember=remember,
            label=_browser_label(request.user_agent.string if has_request_context() else ""),
            created_at=now,
            expires_at=now + (_remember_lifetime() if remember else SESSION_LIFETIME),
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def load(token: str) -> User | None:
    """The user signed in with `token`, or None once that sign-in has ended or expired."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    names, query = _load_query()
    row = db.session.execute(query, {"token_hash": hash_token(token), "now": utcnow()}).first()
    if row is None:
        return None
    user = row[0]
    user.session_token = token
    user.read_along = dict(zip(names, row[1:], strict=True))
    return user


_load_queries: dict[tuple[str, ...], Select] = {}


def _load_query() -> tuple[tuple[str, ...], Select]:
    """The lookup of `load`, built once: every signed-in request runs it, and building the
    statement again each time cost as much as running it."""
    names = tuple(_READ_ALONG)
    if names not in _load_queries:
        query = User.by_session_token_hash(bindparam("token_hash"), bindparam("now"))
        _load_queries[names] = query.add_columns(*(_READ_ALONG[name](User.id).label(name) for name in names))
    return names, _load_queries[names]


def end(token: str | None) -> None:
    """Sign out the browser that holds `token`."""
    if token:
        db.session.execute(delete(AccountSession).where(AccountSession.token_hash == hash_token(token)))


def end_all(user: User, *, keep: str | None = None) -> int:
    """Sign `user` out everywhere, except the sign-in with token `keep`; returns how many ended."""
    query = delete(AccountSession).where(AccountSession.user_id == user.id)
    if keep:
        query = query.where(AccountSession.token_hash != hash_token(keep))
    return db.session.execute(query).rowcount


def of_user(user: User) -> list[AccountSession]:
    now = utcnow()
    return [row for row in db.session.scalars(AccountSession.of_user(user.id)) if row.expires_at > now]


def is_current(row: AccountSession, user: User) -> bool:
    return bool(user.session_token) and row.token_hash == hash_token(user.session_token)


_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def _browser_label(user_agent: str) -> str:
    """'Firefox on Android' from a User-Agent header; only names from the lists above are
    stored, never the header itself (it is long and can identify a person)."""
    browser = next((name for key, name in _BROWSERS if re.search(rf"\b{key}/", user_agent)), "")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system
