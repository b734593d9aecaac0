"""The forms of the staff live console (live_views.py). Each has a prefix of its own, so that
the five forms on one page never share an id; the console's buttons send their value in a
field of the form (`state`, `agenda_item`), so one form serves a row of buttons.

What the rules of a session refuse (a non-public item outside the non-public part, groups
that do not add up) is checked by live_services and comes back as a LiveRuleError, which
the view puts on the field it names; these forms check only the shape of the input.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional, ValidationError

from participation.core.forms import choices, max_length, required, strip_whitespace
from participation.council.live_models import VOTE_OUTCOME_LABELS, LiveState
from participation.council.live_services import TICKER_MAX

MAX_VOTES = 10_000  # as the JSON API (live_api.MAX_VOTES): no council has more members
URL_MAX = 1000  # the columns' length
STATES = [state.value for state in LiveState if state is not LiveState.SCHEDULED]


class StateForm(FlaskForm):
    """Start, break, non-public part, resume, end: the button pressed sends `state`."""

    state = HiddenField(validators=[AnyOf(STATES, message=_l("Choose what the session does next."))])
    confirm_end = BooleanField(_l("The session is over. Ending it cannot be undone."))

    def validate_confirm_end(self, field):
        if self.state.data == LiveState.ENDED.value and not field.data:
            raise ValidationError(_l("Tick the box to confirm that the session is over."))


class CurrentItemForm(FlaskForm):
    """The agenda item taken up now: the button pressed sends its id ("" for none)."""

    agenda_item = HiddenField()


def _votes(label):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Please enter a number (0 if nobody).")),
            NumberRange(0, MAX_VOTES, message=_l("A whole number from 0 to %(max)s.", max=MAX_VOTES)),
        ],
        render_kw={"inputmode": "numeric"},
    )


def _group_votes(label):
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(0, MAX_VOTES, message=_l("A whole number from 0 to %(max)s.", max=MAX_VOTES)),
        ],
        render_kw={"inputmode": "numeric"},
    )


class GroupVoteForm(Form):
    """One parliamentary group's votes; left empty, the group is not listed."""

    organization_id = HiddenField()
    yes = _group_votes(_l("Yes"))
    no = _group_votes(_l("No"))
    abstention = _group_votes(_l("Abstentions"))

    @property
    def filled(self) -> bool:
        return any(field.data is not None for field in (self.yes, self.no, self.abstention))


class TickerForm(FlaskForm):
    text = TextAreaField(
        _l("Ticker entry"),
        validators=[required(), max_length(TICKER_MAX)],
        filters=[strip_whitespace],
        description=_l("Short and factual; shown at once on the public live page."),
        render_kw={"rows": 3, "maxlength": TICKER_MAX},
    )
    agenda_item = SelectField(_l("About agenda item"), choices=[], validate_choice=False)


class VoteForm(FlaskForm):
    agenda_item = SelectField(_l("Agenda item"), choices=[], validate_choice=False)
    yes = _votes(_l("Yes"))
    no = _votes(_l("No"))
    abstention = _votes(_l("Abstentions"))
    outcome = RadioField(
        _l("Outcome"),
        choices=choices((outcome.value, label) for outcome, label in VOTE_OUTCOME_LABELS.items()),
        validators=[required()],
    )
    groups = FieldList(FormField(GroupVoteForm), min_entries=0)


def _media_url(form, field) -> None:
    value = field.data or ""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return  # on this site
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or parts.username:
        raise ValidationError(_l("Please give a web address starting with https://."))


class MediaForm(FlaskForm):
    stream_url = StringField(
        _l("Live stream (HLS)"),
        validators=[Optional(), max_length(URL_MAX), _media_url],
        filters=[strip_whitespace],
        description=_l("The address of the stream's playlist, ending in .m3u8, starting with https://."),
        render_kw={"type": "url", "inputmode": "url", "spellcheck": "false"},
    )
    recording_url = StringField(
        _l("Recording"),
        validators=[Optional(), max_length(URL_MAX), _media_url],
        filters=[strip_whitespace],
        description=_l("After the session: the recording (.m3u8 or .mp4), starting with https://."),
        render_kw={"type": "url", "inputmode": "url", "spellcheck": "false"},
    )
