"""Signed, expiring links for email confirmation and password reset."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from participation.core.settings_access import current_settings


class TokenError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"participation.{purpose}")


def _fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def confirmation_token(user) -> str:
    # Bound to the address, so a link for an old address cannot confirm a new one.
    return _serializer("confirm").dumps({"uid": user.id, "email": _fingerprint(user.email)})


def reset_token(user) -> str:
    # Bound to the current password hash: the link dies once it has been used.
    return _serializer("reset").dumps({"uid": user.id, "pw": _fingerprint(user.password_hash)})


def _load(purpose: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(expired=True) from error
    except BadSignature as error:
        raise TokenError(expired=False) from error
    if not isinstance(data, dict) or "uid" not in data:
        raise TokenError(expired=False)
    return data


def user_for_confirmation(token: str, load_user):
    data = _load("confirm", token, current_settings().email_token_max_age)
    user = load_user(data["uid"])
    if user is None or user.is_deleted or _fingerprint(user.email) != data.get("email"):
        raise TokenError(expired=False)
    return user


def user_for_reset(token: str, load_user):
    data = _load("reset", token, current_settings().reset_token_max_age)
    user = load_user(data["uid"])
    if user is None or user.is_deleted or _fingerprint(user.password_hash) != data.get("pw"):
        raise TokenError(expired=False)
    return user
