from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from participation.accounts.models import NOTIFICATION_MAIL_LABELS, is_unsafe_character
from participation.core.access import ROLE_LABELS
from participation.core.forms import choices, email_field, max_length, required
from participation.core.locale import LOCALES

MIN_PASSWORD_LENGTH = 12


def new_password_field(label):
    return PasswordField(
        label,
        validators=[
            required(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Your password needs at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l(
            "At least %(min)d characters. A sentence of several words is easy to remember.",
            min=MIN_PASSWORD_LENGTH,
        ),
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )


def no_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and any(is_unsafe_character(char) for char in field.data):
        raise ValidationError(
            _l("Please use only visible characters: no control characters or characters that "
               "change the direction of the text.")
        )


def display_name_field():
    return StringField(
        _l("Display name"),
        validators=[
            required(),
            no_control_characters,
            Length(min=2, max=80, message=_l("Please use 2 to 80 characters.")),
        ],
        description=_l("Shown with everything you write. It does not have to be your real name."),
        render_kw={"autocomplete": "nickname"},
    )


def language_choices():
    # Each language's name is written in that language, so mark it for screen readers.
    return choices(
        [("", _l("Language of my browser")), *LOCALES.items()], {code: {"lang": code} for code in LOCALES}
    )


class SignupForm(FlaskForm):
    display_name = display_name_field()
    email = email_field()
    password = new_password_field(_l("Password"))
    accept_terms = BooleanField(
        _l("I accept the terms of use and have read the privacy notice."),
        validators=[DataRequired(message=_l("Please accept the terms of use to create an account."))],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[required(), max_length(256)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(_l("New password"))


class SettingsForm(FlaskForm):
    display_name = display_name_field()
    locale = SelectField(_l("Language"), choices=language_choices, validate_choice=True)
    notification_mail = RadioField(
        _l("Mail about notifications"),
        choices=choices(NOTIFICATION_MAIL_LABELS.items()),
        validators=[required()],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[required(), max_length(256)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that my account and personal data will be erased and this cannot be undone."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
