"""The form a resident drafts a petition with (new and edit share it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from participation.core.districts import DISTRICTS
from participation.core.forms import choices, max_length, required
from participation.petitions.models import TITLE_MAX

TEXT_MAX = 20000
MARKDOWN_HINT = _l("Markdown is allowed: **bold**, *italic*, lists and links.")


class DraftForm(FlaskForm):
    title = StringField(
        _l("Title of your petition"),
        validators=[required(), max_length(TITLE_MAX)],
        description=_l("At most %(max)d characters.", max=TITLE_MAX),
    )
    request = TextAreaField(
        _l("What should the city council do?"),
        validators=[required(), max_length(TEXT_MAX)],
        description=_l(
            "One clear request, for example “The council sets up 20 benches along the main paths”."
        ),
        render_kw={"rows": 4},
    )
    background = TextAreaField(
        _l("Background"),
        validators=[Optional(), max_length(TEXT_MAX)],
        description=_l("Why it matters. %(hint)s", hint=MARKDOWN_HINT),
        render_kw={"rows": 8},
    )
    district = SelectField(
        _l("District"),
        choices=choices([("", _l("Whole city"))] + [(d, d) for d in DISTRICTS]),
        validators=[Optional()],
    )
    kind = RadioField(
        _l("Place on the map"),
        default="point",
        choices=choices([("point", _l("Point")), ("polygon", _l("Area"))]),
    )
    positions = TextAreaField(
        _l("Positions"),
        validators=[Optional(), max_length(TEXT_MAX)],
        description=_l(
            "One position per line: latitude, longitude, for example 51.3397, 12.3731. A point needs "
            "one line, an area at least three. Or click on the map. Leave empty for no place."
        ),
        render_kw={"rows": 4, "data-positions": "point"},
    )
