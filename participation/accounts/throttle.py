"""Limits on guessing one account's password, whichever addresses the guesses come from.

The per-IP limit on the sign-in form does not stop a botnet that tries one account from
many addresses. So failed sign-ins are also counted per (normalised) email address; after
ACCOUNT_LIMIT failures in the window, that address gets the usual 429 page. The count is
kept for unknown addresses too, so the limit says nothing about who has an account.

An attacker who keeps failing could keep the owner out; a browser the owner has signed in
with before (or reset the password from) carries a signed "known device" cookie for that
address and is exempt from the per-account limit (the per-IP limit still applies), as
OWASP's device-cookie scheme proposes. A new device waits at most one window.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participation.accounts.models import normalise_email

ACCOUNT_LIMIT = "5 per 15 minutes"
DEVICE_COOKIE = "known_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
_MAX_ACCOUNTS_PER_DEVICE = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="participation.known-device")


def _fingerprint(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:24]


def account_key() -> str:
    """The limiter key: the address the form names (never stored, only hashed)."""
    return "account:" + _fingerprint(request.form.get("email", ""))


def record_failure() -> None:
    """Mark this request as a failed sign-in: only those count towards the account limit."""
    g.sign_in_failed = True


def failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


def _known_fingerprints() -> list[str]:
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return []
    try:
        value = _serializer().loads(cookie, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def is_known_device() -> bool:
    """exempt_when of the account limit: this browser signed in to this address before."""
    email = request.form.get("email", "")
    return bool(email) and _fingerprint(email) in _known_fingerprints()


def remember_device(response, email: str):
    """Let this browser past the account limit for `email` from now on."""
    known = [fp for fp in _known_fingerprints() if fp != _fingerprint(email)]
    known = [_fingerprint(email), *known][:_MAX_ACCOUNTS_PER_DEVICE]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(known),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
