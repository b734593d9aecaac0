from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.access import Role
from participation.core.models import TimestampMixin, utcnow
from participation.extensions import db


class NotificationMail(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    NEVER = "never"


NOTIFICATION_MAIL_LABELS = {
    NotificationMail.IMMEDIATELY: _l("Immediately, one mail per event"),
    NotificationMail.DAILY: _l("Once a day, as a digest"),
    NotificationMail.NEVER: _l("Never, only on this website"),
}


class User(TimestampMixin, db.Model):
    """An account. After deletion the row stays so public contributions keep an author,
    but everything that identifies the person is erased."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.RESIDENT.value, index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    notification_mail: Mapped[str] = mapped_column(String(20), default=NotificationMail.IMMEDIATELY.value)
    email_confirmed_at: Mapped[datetime | None]
    terms_accepted_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Blocked by moderation until then (far in the future: for good); a blocked person reads
    # but writes nothing (comments, ideas, petitions). Set by moderation's decisions.
    blocked_until: Mapped[datetime | None]

    # The sign-in this request came with (set by accounts.sessions); Flask-Login stores it.
    session_token = None  # a plain attribute, not a column
    # Figures other features read with the signed-in user: a dict (accounts.sessions.read_along).
    read_along = None

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return self.deleted_at is None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember cookies: the token of one
        server-side AccountSession, never the user id, so deleting that row signs it out."""
        if not self.session_token:
            raise RuntimeError("start an AccountSession (accounts.sessions.start) before login_user")
        return self.session_token

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_until is not None and self.blocked_until > utcnow()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        return str(_l("deleted user")) if self.is_deleted else (self.display_name or "")

    @property
    def page_kind(self) -> str:
        """What pages differ by between signed-in people (core.viewer_pages): the role, a
        confirmed address, a block."""
        return f"{self.role}.{int(self.email_confirmed)}.{int(self.is_blocked)}"

    def stand_in(self) -> User:
        """Somebody of the same kind who owns, supports and follows nothing (no user has id 0),
        for pages rendered once for everybody of that kind (core.viewer_pages). Never added to
        the session."""
        return User(
            id=0,
            role=self.role,
            display_name="",
            locale=self.locale,
            email_confirmed_at=self.email_confirmed_at and datetime(2000, 1, 1, tzinfo=UTC),
            blocked_until=self.blocked_until if self.is_blocked else None,
        )

    def has_role(self, *roles: Role) -> bool:
        return Role(self.role) in roles

    @classmethod
    def by_email(cls, email: str):
        return select(cls).where(cls.email == normalise_email(email))

    @classmethod
    def by_session_token_hash(cls, token_hash: str, now: datetime):
        """The signed-in user for a session token: one lookup on a unique index."""
        return (
            select(cls)
            .join(AccountSession, AccountSession.user_id == cls.id)
            .where(
                AccountSession.token_hash == token_hash,
                AccountSession.expires_at > now,
                cls.deleted_at.is_(None),
            )
        )


class AccountSession(db.Model):
    """One signed-in browser. Flask-Login's session and remember cookies carry its token; the
    row stores only a hash of it. Deleting the row signs that browser out for good, however
    old a copy of either cookie is."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    # a short description of the browser ("Firefox on Android"), so a person recognises it
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    @classmethod
    def of_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id).order_by(cls.created_at.desc(), cls.id.desc())


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# Characters that reorder the text after them (embeddings, overrides, isolates, marks): in a
# name they could make "Stadt Leipzig" appear where something else is written.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Invisible format characters that scripts need inside words (Persian, Arabic, Indic, emoji).
JOINERS = frozenset("\u200c\u200d")


def is_unsafe_character(char: str) -> bool:
    """Control characters (Cc), direction controls and other invisible format characters (Cf,
    such as zero-width spaces), except the joiners that writing systems need."""
    if char in BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    return category == "Cc" or (category == "Cf" and char not in JOINERS)


def clean_display_name(name: str) -> str:
    """The name without characters the forms refuse: the last line of defence for names that
    reach the services another way (the command line, seeds)."""
    return "".join(char for char in (name or "") if not is_unsafe_character(char)).strip()
