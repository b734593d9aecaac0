from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Optional

from participation.comments.models import MAX_LENGTH, STANCE_LABELS
from participation.core.forms import choices, max_length, required

BODY_HINT = _l("At most 2,000 characters. You can use **bold**, *italic*, lists and links.")


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[required(), max_length(MAX_LENGTH)],
        description=BODY_HINT,
        render_kw={"rows": 5},
    )
    stance = RadioField(
        _l("Your stance (optional)"),
        choices=choices([("", _l("No stance")), *STANCE_LABELS.items()]),
        default="",
        validators=[Optional()],
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your answer"),
        validators=[required(), max_length(MAX_LENGTH)],
        description=BODY_HINT,
        render_kw={"rows": 4},
    )
