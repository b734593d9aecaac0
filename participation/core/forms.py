"""Shared form pieces: translated validator messages and common fields."""

import math

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, FloatField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = _l("Please fill in this field.")


def required():
    return DataRequired(message=REQUIRED)


def max_length(limit: int):
    return Length(max=limit, message=_l("Please use at most %(max)d characters.", max=limit))


def strip_whitespace(value):
    """Pasted addresses often carry a space at either end; it is never meant."""
    return value.strip() if isinstance(value, str) else value


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            required(),
            Email(message=_l("Please enter a valid email address, like name@example.org.")),
            max_length(320),
        ],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class ActionForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token and nothing else."""


def show_form(template: str, form, **context):
    """The form page; after a failed submission it comes back filled in, with status 422."""
    body = render_template(template, form=form, **context)
    return (body, 422) if form.is_submitted() else body


def choices(pairs, option_attributes=None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; `option_attributes` maps a value to HTML attributes."""
    option_attributes = option_attributes or {}
    return [SelectChoice(str(value), label, render_kw=option_attributes.get(value)) for value, label in pairs]


class FiniteFloatField(FloatField):
    """A number field that refuses "nan" and "inf": Python's float() takes them, and
    NumberRange lets NaN through because every comparison with it is false."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message or _("Please enter a number."))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
