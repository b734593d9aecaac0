from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, NumberRange, Optional

from participation.core.forms import MultiCheckboxField, choices, max_length, required
from participation.projects.models import DISTRICTS, STATUS_LABELS, TOPICS

MARKDOWN_HINT = _l("Markdown is allowed: **bold**, *italic*, lists and links.")


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[required(), max_length(500)],
        description=_l("One or two sentences shown in lists."),
    )
    body = TextAreaField(
        _l("Description"),
        validators=[Optional(), max_length(20000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 10},
    )
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="planned")
    district = SelectField(
        _l("District"),
        choices=choices([("", _l("Whole city"))] + [(d, d) for d in DISTRICTS]),
        validators=[Optional()],
    )
    topic = SelectField(
        _l("Topic"), choices=choices([("", _l("No topic"))] + list(TOPICS.items())), validators=[Optional()]
    )
    kind = RadioField(
        _l("Location on the map"),
        default="point",
        choices=choices([("point", _l("Point")), ("polygon", _l("Area"))]),
    )
    positions = TextAreaField(
        _l("Positions"),
        validators=[Optional(), max_length(20000)],
        description=_l(
            "One position per line: latitude, longitude, for example 51.3397, 12.3731. "
            "A point needs one line, an area at least three. Leave empty for no location."
        ),
        render_kw={"rows": 4, "data-positions": "point"},
    )
    budget_eur = IntegerField(_l("Budget in euros"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    milestones = TextAreaField(
        _l("Timeline"),
        validators=[Optional(), max_length(5000)],
        description=_l(
            "One milestone per line: date (YYYY-MM-DD) | title | done. "
            "Leave out “done” for milestones still ahead."
        ),
        render_kw={"rows": 6},
    )
    consultations = MultiCheckboxField(_l("Related consultations"), coerce=int)
    council_papers = TextAreaField(
        _l("Related council papers"),
        validators=[Optional(), max_length(2000)],
        description=_l("One reference per line, for example VII-DS-01234."),
        render_kw={"rows": 3},
    )
    contact_name = StringField(
        _l("Contact"),
        validators=[Optional(), max_length(200)],
        description=_l("Office or person, for example Verkehrs- und Tiefbauamt."),
    )
    contact_email = StringField(
        _l("Contact email address"),
        validators=[
            Optional(),
            max_length(320),
            Email(message=_l("Please enter a valid email address, like name@example.org.")),
        ],
    )
    published = BooleanField(_l("Published (visible to everybody)"))


class UpdateForm(FlaskForm):
    title = StringField(_l("Title of the update"), validators=[required(), max_length(200)])
    body = TextAreaField(
        _l("Text of the update"),
        validators=[required(), max_length(5000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 5},
    )


class ImageForm(FlaskForm):
    image = FileField(
        _l("Image"), description=_l("JPEG, PNG, WebP or GIF. Location data in the file is removed.")
    )
    description = StringField(
        _l("Description of the image"),
        validators=[required(), max_length(300)],
        description=_l("What the image shows, for people who cannot see it."),
    )
