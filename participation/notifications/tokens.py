"""Signed one-click unsubscribe links (RFC 8058). They expire after UNSUBSCRIBE_LINK_MAX_AGE: long
enough for any mail to be read and acted on, short enough that a leaked or forwarded old mail
does not stop someone's mails for ever. An expired link says so and points to the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

UNSUBSCRIBE_LINK_MAX_AGE = timedelta(days=90)


def _serializer() -> URLSafeTimedSerializer:
    # A new salt: the untimed links of earlier mails are no longer accepted.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="participation.unsubscribe.timed")


def unsubscribe_token(user) -> str:
    return _serializer().dumps({"uid": user.id})


@dataclass(frozen=True)
class TokenCheck:
    user_id: int | None = None
    expired: bool = False


def check(token: str) -> TokenCheck:
    """Whose link this is; `expired` when it was genuine but is too old; neither when forged."""
    try:
        data = _serializer().loads(token, max_age=int(UNSUBSCRIBE_LINK_MAX_AGE.total_seconds()))
    except SignatureExpired:
        return TokenCheck(expired=True)
    except BadSignature:
        return TokenCheck()
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return TokenCheck()
    return TokenCheck(user_id=data["uid"])
