"""Forms of moderators and staff: approve, reject, and publish the council's response."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from participation.core.forms import choices, max_length, required
from participation.petitions.models import REJECTION_LABELS
from participation.petitions.services import MAX_DAYS_OPEN, MIN_DAYS_OPEN, RESPONSE_URL_MAX

MARKDOWN_HINT = _l("Markdown is allowed: **bold**, *italic*, lists and links.")


class ApproveForm(FlaskForm):
    """Moderators approve with the site's deadline and quorum; only staff see these fields."""

    days_open = IntegerField(
        _l("Days open for signatures"),
        validators=[Optional(), NumberRange(MIN_DAYS_OPEN, MAX_DAYS_OPEN, message=_l(
            "A petition collects for %(min)d to %(max)d days.", min=MIN_DAYS_OPEN, max=MAX_DAYS_OPEN))],
        description=_l("From one week (7) to six months (183)."),
    )
    quorum = IntegerField(
        _l("Quorum for this petition"),
        validators=[Optional(), NumberRange(min=1, message=_l("The quorum is at least one signature."))],
        description=_l("Leave empty for the site's quorum."),
    )


class RejectForm(FlaskForm):
    reason = RadioField(
        _l("Reason"), choices=choices((r.value, label) for r, label in REJECTION_LABELS.items()),
        validators=[required()],
    )
    explanation = TextAreaField(
        _l("Explanation for the creator"),
        validators=[required(), max_length(5000)],
        description=_l("Shown to the creator and, unless the text is hidden, on the petition's page."),
        render_kw={"rows": 4},
    )
    duplicate_of = SelectField(
        _l("Duplicate of"), choices=[], validate_choice=False,
        description=_l(
            "Needed for the reason “Duplicate of another petition”: the public petition it repeats."
        ),
    )


class RespondForm(FlaskForm):
    response = TextAreaField(
        _l("The council's response"),
        validators=[required(), max_length(20000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 10},
    )
    response_url = StringField(
        _l("Link to the council meeting or paper"),
        validators=[Optional(), max_length(RESPONSE_URL_MAX)],
        description=_l(
            "A page of this site's council section (for example /rat/vorlagen/12) or a web address "
            "starting with https://, for example in the council information system."
        ),
        render_kw={"type": "url", "inputmode": "url", "spellcheck": "false"},
    )
