from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from participation.accounts import services, tokens
from participation.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SettingsForm,
    SignupForm,
)
from participation.accounts.models import User
from participation.accounts.passwords import verify_password
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.locale import LOCALES, current_locale
from participation.core.navigation import redirect_next
from participation.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")

AUTH_LIMIT = "10 per minute; 100 per day"
MAIL_LIMIT = "5 per 15 minutes"


@login_manager.user_loader
def load_user(login_token: str) -> User | None:
    return db.session.scalar(User.by_login_token(login_token))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def signup():
    form = SignupForm()
    if not form.validate_on_submit():
        return show_form("accounts/signup.html", form)
    try:
        user = services.register(
            form.display_name.data, form.email.data, form.password.data, locale=current_locale()
        )
    except services.EmailTaken:
        form.email.errors.append(
            _(
                "An account with this email address already exists. "
                "Sign in, or reset your password if you forgot it."
            )
        )
        return show_form("accounts/signup.html", form)
    db.session.commit()
    login_user(user)
    flash(
        _(
            "Welcome! We have sent a link to %(email)s. Please open it to confirm your address.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("accounts.account"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        user = tokens.user_for_confirmation(token, lambda uid: db.session.get(User, uid))
    except tokens.TokenError as error:
        return render_template("accounts/token_error.html", expired=error.expired, purpose="confirm"), 400
    services.confirm_email(user)
    db.session.commit()
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


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
@rerenders_on_csrf_error
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return show_form("accounts/login.html", form)
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        # One message for unknown address and wrong password: never reveal who has an account.
        form.password.errors.append(_("The email address or the password is not correct."))
        return show_form("accounts/login.html", form)
    db.session.commit()
    login_user(user, remember=form.remember.data)
    flash(_("You are signed in."), "success")
    return redirect_next()


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


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
    services.set_password(user, form.password.data)
    services.confirm_email(user)  # the link reached the mailbox, which proves the address
    db.session.commit()
    logout_user()
    flash(_("Your new password is saved. Please sign in with it."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@rerenders_on_csrf_error
def account():
    form = SettingsForm(obj=None if request.method == "POST" else _settings_data(current_user))
    if form.validate_on_submit():
        services.update_settings(
            current_user, form.display_name.data, form.locale.data, form.notification_mail.data
        )
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.account"))
    return show_form("accounts/account.html", form, resend_form=ActionForm(), locales=LOCALES)


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
    services.set_password(current_user, form.new_password.data)
    db.session.commit()
    login_user(current_user._get_current_object())  # keep this session; the new token signed out all others
    flash(_("Your new password is saved. You were signed out on all other devices."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/account/export")
def export_data():
    from flask import json

    from participation.core.models import utcnow

    payload = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    filename = f"participation-data-{utcnow():%Y-%m-%d}.json"
    return (
        payload,
        200,
        {
            "Content-Type": "application/json; charset=utf-8",
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
    flash(_("Your account has been deleted. Your personal data has been erased."), "success")
    return redirect(url_for("pages.home"))


from participation.accounts import admin_views  # noqa: E402,F401  (routes on the same blueprint)
