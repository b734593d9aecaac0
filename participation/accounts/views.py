from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from participation.accounts import export, services, sessions, throttle, tokens
from participation.accounts.blueprint import bp
from participation.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SettingsForm,
    SignupForm,
)
from participation.accounts.models import User, normalise_email
from participation.accounts.passwords import verify_password
from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.locale import LOCALE_SESSION_KEY, LOCALES, current_locale
from participation.core.navigation import redirect_next
from participation.extensions import db, limiter

AUTH_LIMIT = "10 per minute; 100 per day"
MAIL_LIMIT = "5 per 15 minutes"
SIGNUP_MAILS_LIMIT = "5 per hour"


def sign_in(user: User, remember: bool = False) -> None:
    """A new server-side session for `user` in this browser (commits it)."""
    session.pop("account_deleted", None)
    sessions.start(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


def sign_out() -> None:
    """End this browser's session on the server, then forget it here."""
    if current_user.is_authenticated:
        sessions.end(current_user.session_token)
        db.session.commit()
    logout_user()


def _signup_address_key() -> str:
    return "signup:" + normalise_email(request.form.get("email", ""))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
# Every completed sign-up mails the address once; this keeps anyone from flooding an inbox.
@limiter.limit(SIGNUP_MAILS_LIMIT, key_func=_signup_address_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 302)
@rerenders_on_csrf_error
def signup():
    """A new address and one that has an account get the same answer (and a mail each), so
    the form never tells anyone whether an address is registered."""
    form = SignupForm()
    if not form.validate_on_submit():
        return show_form("accounts/signup.html", form)
    services.sign_up(form.display_name.data, form.email.data, form.password.data, locale=current_locale())
    db.session.commit()
    session["signup_email"] = normalise_email(form.email.data)
    return redirect(url_for("accounts.signup_sent"))


@bp.get("/signup/sent")
def signup_sent():
    return render_template("accounts/signup_sent.html", email=session.get("signup_email"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        user = tokens.user_for_confirmation(token, lambda uid: db.session.get(User, uid))
    except tokens.TokenError as error:
        return render_template("accounts/token_error.html", expired=error.expired, purpose="confirm"), 400
    services.confirm_email(user)
    db.session.commit()
    signed_in_as_owner = current_user.is_authenticated and current_user.id == user.id
    login_form = None if current_user.is_authenticated else LoginForm(formdata=None, email=user.email)
    return render_template(
        "accounts/confirmed.html", signed_in_as_owner=signed_in_as_owner, login_form=login_form
    )


@bp.post("/account/confirm/resend")
@limiter.limit(MAIL_LIMIT)
def resend_confirmation():
    form = ActionForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        services.send_confirmation(current_user)
        db.session.commit()
        flash(_("We have sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@limiter.limit(throttle.ACCOUNT_LIMIT, key_func=throttle.account_key, methods=["POST"],
               deduct_when=throttle.failed, exempt_when=throttle.is_known_device)
@rerenders_on_csrf_error
@cached_for_anonymous([], args=("next",), forms=True)  # the same form for every visitor
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return show_form("accounts/login.html", form)
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.record_failure()
        # One message for unknown address and wrong password: never reveal who has an account.
        form.password.errors.append(_("The email address or the password is not correct."))
        return show_form("accounts/login.html", form)
    sign_in(user, remember=form.remember.data)
    flash(_("You are signed in."), "success")
    return throttle.remember_device(redirect_next(), user.email)


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        sign_out()
        flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


@bp.post("/account/sessions/end")
def sign_out_everywhere():
    """End every session of this account, on every device, this one included."""
    if ActionForm().validate_on_submit():
        sessions.end_all(current_user)
        db.session.commit()
        logout_user()
        flash(_("You are signed out on all devices, this one included."), "success")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(MAIL_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return show_form("accounts/forgot_password.html", form)
    services.request_password_reset(form.email.data)
    db.session.commit()
    flash(
        _(
            "If an account exists for %(email)s, we have sent it a link to choose a new password. "
            "The link is valid for two hours.",
            email=form.email.data,
        ),
        "success",
    )
    return redirect(url_for("accounts.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def reset_password(token: str):
    try:
        user = tokens.user_for_reset(token, lambda uid: db.session.get(User, uid))
    except tokens.TokenError as error:
        return render_template("accounts/token_error.html", expired=error.expired, purpose="reset"), 400
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return show_form("accounts/reset_password.html", form)
    services.set_password(user, form.password.data)  # and ends every session of the account
    services.confirm_email(user)  # the link reached the mailbox, which proves the address
    db.session.commit()
    logout_user()
    flash(_("Your new password is saved. Please sign in with it."), "success")
    # The mailbox is the owner's: this browser may sign in even while the account is throttled.
    return throttle.remember_device(redirect(url_for("accounts.login")), user.email)


@bp.route("/account", methods=["GET", "POST"])
@rerenders_on_csrf_error
def account():
    form = SettingsForm(obj=None if request.method == "POST" else _settings_data(current_user))
    if form.validate_on_submit():
        services.update_settings(
            current_user, form.display_name.data, form.locale.data, form.notification_mail.data
        )
        db.session.commit()
        session.pop(LOCALE_SESSION_KEY, None)  # the saved language applies from now on
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.account"))
    return show_form(
        "accounts/account.html",
        form,
        resend_form=ActionForm(),
        locales=LOCALES,
        account_sessions=sessions.of_user(current_user),
        is_current_session=lambda row: sessions.is_current(row, current_user),
    )


def _settings_data(user: User):
    class Data:
        display_name = user.display_name
        locale = user.locale or ""
        notification_mail = user.notification_mail

    return Data


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return show_form("accounts/change_password.html", form)
    if not verify_password(current_user.password_hash, form.current_password.data):
        form.current_password.errors.append(_("Your current password is not correct."))
        return show_form("accounts/change_password.html", form)
    services.set_password(current_user, form.new_password.data, keep_session=current_user.session_token)
    db.session.commit()
    flash(_("Your new password is saved. You were signed out on all other devices."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/account/export")
def export_data():
    """Everything stored about the person, as a ZIP to read (see accounts.export)."""
    archive, filename = export.build_zip(current_user)
    return (
        archive,
        200,
        {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return show_form("accounts/delete_account.html", form)
    if not verify_password(current_user.password_hash, form.password.data):
        form.password.errors.append(_("Your password is not correct."))
        return show_form("accounts/delete_account.html", form)
    try:
        services.delete_account(current_user)
    except services.LastAdmin:
        db.session.rollback()
        flash(
            _("You are the last administrator. Give another account the administrator role first."), "error"
        )
        return redirect(url_for("accounts.account"))
    db.session.commit()
    logout_user()
    session["account_deleted"] = True
    return redirect(url_for("accounts.account_deleted"))


@bp.get("/account/deleted")
def account_deleted():
    """What the deletion erased and what stays, for the browser that just deleted an account."""
    if not session.get("account_deleted"):
        return redirect(url_for("pages.home"))
    return render_template("accounts/account_deleted.html", erased=services.what_deletion_erases())

