from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional

from participation.core.forms import max_length, required


class FeedbackForm(FlaskForm):
    message = TextAreaField(
        _l("What did not work for you?"),
        validators=[
            required(),
            Length(min=10, max=5000, message=_l("Please write between 10 and 5,000 characters.")),
        ],
        description=_l("Describe the barrier: which page, what you wanted to do, what happened."),
    )
    page_url = StringField(
        _l("Address of the page"),
        validators=[Optional(), max_length(500)],
        render_kw={"inputmode": "url"},
    )
    reply_email = EmailField(
        _l("Your email address for our answer"),
        validators=[
            Optional(),
            Email(message=_l("Please enter a valid email address, like name@example.org.")),
            max_length(320),
        ],
        render_kw={"autocomplete": "email"},
    )


class HandleFeedbackForm(FlaskForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[Optional(), max_length(2000)],
        description=_l("For example: the button has a label now; we answered by mail on 3 May."),
    )
