"""Signed one-click unsubscribe links. They do not expire: an old mail must still work."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="participation.unsubscribe")


def unsubscribe_token(user) -> str:
    return _serializer().dumps({"uid": user.id})


def user_id_from(token: str) -> int | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return data["uid"]
