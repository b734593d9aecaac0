"""Everything that changes accounts. Services flush; the view commits once."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participation.accounts import sessions, tokens
from participation.accounts.models import User, clean_display_name, normalise_email
from participation.accounts.passwords import hash_password, needs_rehash, verify_password
from participation.core import audit, personal_data
from participation.core.access import Role
from participation.core.locale import DEFAULT_LOCALE
from participation.core.mail import send_mail
from participation.core.models import utcnow
from participation.core.urls import external_url
from participation.extensions import db


class EmailTaken(Exception):
    pass


class LastAdmin(Exception):
    pass


def register(
    display_name: str, email: str, password: str, locale: str | None, confirmed: bool = False
) -> User:
    """Create an account; unless it is `confirmed` already, mail a confirmation link."""
    email = normalise_email(email)
    if db.session.scalar(User.by_email(email)) is not None:
        raise EmailTaken(email)
    user = User(
        display_name=clean_display_name(display_name),
        email=email,
        password_hash=hash_password(password),
        locale=locale,
        terms_accepted_at=utcnow(),
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # someone registered the address a moment ago
        raise EmailTaken(email) from error
    if not confirmed:
        send_confirmation(user)
    return user


def sign_up(display_name: str, email: str, password: str, locale: str | None) -> User | None:
    """Sign-up as the form does it: a new account with a confirmation link, or, for an address
    that has an account already, a note to its owner. Both hash the password and send one
    mail, so neither the answer nor its timing tells whether the address is registered."""
    try:
        return register(display_name, email, password, locale)
    except EmailTaken:
        hash_password(password)  # the work a new account would have cost
        owner = db.session.scalar(User.by_email(email))
        if owner is not None:
            _mail_signup_attempt(owner)
        return None


def _mail_signup_attempt(owner: User) -> None:
    confirm_link = None
    if not owner.email_confirmed:  # perhaps they lost the first mail: here is the link again
        confirm_link = external_url("accounts.confirm_email", token=tokens.confirmation_token(owner))
    _mail_user(
        owner,
        _l("Someone tried to create an account with your address"),
        "accounts/mail/signup_attempt.txt",
        login_link=external_url("accounts.login"),
        reset_link=external_url("accounts.forgot_password"),
        confirm_link=confirm_link,
    )


def _mail_user(user: User, subject, template: str, **context) -> None:
    """Mail `user` in their own language; `subject` is a lazy string resolved in it."""
    with force_locale(user.locale or DEFAULT_LOCALE):
        send_mail(user.email, str(subject), render_template(template, user=user, **context))


def send_confirmation(user: User) -> None:
    link = external_url("accounts.confirm_email", token=tokens.confirmation_token(user))
    _mail_user(user, _l("Please confirm your email address"), "accounts/mail/confirm.txt", link=link)


def confirm_email(user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; takes equally long for unknown addresses."""
    user = db.session.scalar(User.by_email(email))
    if user is None or user.is_deleted:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def request_password_reset(email: str) -> None:
    user = db.session.scalar(User.by_email(email))
    if user is None or user.is_deleted:
        return
    link = external_url("accounts.reset_password", token=tokens.reset_token(user))
    _mail_user(user, _l("Reset your password"), "accounts/mail/reset.txt", link=link)


def set_password(user: User, password: str, keep_session: str | None = None) -> None:
    """Store a new password and end every session of the account but `keep_session`."""
    user.password_hash = hash_password(password)
    sessions.end_all(user, keep=keep_session)


def update_settings(user: User, display_name: str, locale: str | None, notification_mail: str) -> None:
    user.display_name = clean_display_name(display_name)
    user.locale = locale or None
    user.notification_mail = notification_mail


def change_role(user: User, new_role: Role, changed_by: User) -> bool:
    """Give `user` a new role and record it; returns False when nothing changed."""
    if user.role == new_role.value:
        return False
    if user.role == Role.ADMIN.value and _admin_count() <= 1:
        raise LastAdmin()
    audit.record(
        changed_by, "role.changed", "user", user.id,
        before={"role": user.role}, after={"role": new_role.value},
    )
    user.role = new_role.value
    return True


def _admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.deleted_at.is_(None))
    )


def delete_account(user: User) -> None:
    """Erase personal data everywhere; the row stays as the "deleted user" of contributions."""
    if user.role == Role.ADMIN.value and _admin_count() <= 1:
        raise LastAdmin()
    personal_data.erase_everywhere(user)
    user.email = None
    user.display_name = None
    user.password_hash = None
    user.locale = None
    user.email_confirmed_at = None
    user.terms_accepted_at = None
    user.notification_mail = "never"
    user.role = Role.RESIDENT.value
    user.deleted_at = utcnow()
    sessions.end_all(user)
    # The fact only: who and when, nothing of what was erased.
    audit.record(user, "account.deleted", "user", user.id)


ACCOUNT_ERASES = _l("Your email address, display name, password and settings, and every sign-in")


def what_deletion_erases() -> list[str]:
    """What an account deletion removes, one line per feature, in the page's language."""
    return [str(ACCOUNT_ERASES), *(str(text) for text in personal_data.erasure_descriptions())]
