"""Personal API tokens: for machines that act for a person (the chamber's voting system
posting results to the live session, say).

A token is shown once, when it is made, and stored only as its SHA-256: a stolen database
does not hand out working tokens. SHA-256 rather than argon2 is enough here, because the
token is 32 random bytes, not a password a person chose; it also keeps each API request
cheap. The first characters (`prefix`) stay readable so that people can tell their tokens
apart on the account page. A token acts with its owner's role at the time of the request:
a person who loses the staff role loses it for their tokens too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.core import audit
from participation.core.models import utcnow
from participation.extensions import db

TOKEN_PREFIX = "pt_"  # noqa: S105 - a recognisable shape, so that secret scanners find leaked ones


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(user: User, name: str, *, created_by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token itself, which is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name.strip()[:100] or "API", prefix=token[:10], token_hash=_digest(token)
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        created_by or user,
        "api_token.created",
        "user",
        user.id,
        after={"token": row.prefix, "name": row.name},
    )
    return row, token


def revoke(row: ApiToken, by: User) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(by, "api_token.revoked", "user", row.user_id, after={"token": row.prefix})


def tokens_of(user_id: int):
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    )


def user_for(token: str | None) -> User | None:
    """The active, undeleted owner of a valid token, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, _digest(token)):
        return None
    user = row.user
    if user is None or user.deleted_at is not None:
        return None
    row.last_used_at = utcnow()
    return user
