"""The report form (anyone), the decision form (moderators) and the appeal form (authors)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from participation.core.forms import choices, max_length, required, strip_whitespace
from participation.moderation.models import ACTION_LABELS, REPORT_REASON_LABELS, Action, ReportReason


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why do you report this?"), choices=choices(REPORT_REASON_LABELS.items()), validators=[required()]
    )
    explanation = TextAreaField(
        _l("Explanation"),
        validators=[
            required(),
            Length(min=10, max=2000, message=_l("Please write between 10 and 2,000 characters.")),
        ],
        description=_l("What is wrong with it? Moderators read this."),
    )
    illegal_location = TextAreaField(
        _l("Where exactly is the illegal content?"),
        validators=[Optional(), max_length(1000)],
        description=_l("Only for illegal content: quote the passage or describe where it is."),
    )
    illegal_grounds = TextAreaField(
        _l("Why is it illegal?"),
        validators=[Optional(), max_length(2000)],
        description=_l("Only for illegal content: which law it breaks, in your view, and why."),
    )
    good_faith = BooleanField(
        _l("I confirm in good faith that the information in this report is accurate and complete.")
    )
    contact_email = EmailField(
        _l("Your email address (optional)"),
        validators=[
            Optional(),
            Email(message=_l("Please enter a valid email address, like name@example.org.")),
            max_length(320),
        ],
        filters=[strip_whitespace],
        description=_l("We tell you the outcome. Used for nothing else."),
        render_kw={"autocomplete": "email"},
    )

    def validate(self, extra_validators=None) -> bool:
        # Art. 16(2) asks more of a report of illegal content. Checked here, not in inline
        # validators: Optional() stops a field's chain when it is empty, before those would run.
        valid = super().validate(extra_validators)
        if self.reason.data != ReportReason.ILLEGAL.value:
            return valid
        required_for_illegal = [
            (self.illegal_location, _l("For illegal content, say where exactly it is.")),
            (self.illegal_grounds, _l("For illegal content, say why it is illegal.")),
        ]
        for field, message in required_for_illegal:
            if not (field.data or "").strip():
                field.errors = [*field.errors, message]
                valid = False
        if not self.good_faith.data:
            self.good_faith.errors = [
                *self.good_faith.errors,
                _l("For illegal content, confirm that you report in good faith."),
            ]
            valid = False
        return valid


class DecisionForm(FlaskForm):
    action = RadioField(_l("Decision"), choices=choices(ACTION_LABELS.items()), validators=[required()])
    reason_category = RadioField(
        _l("Reason shown to the public (when hiding)"),
        choices=choices(REPORT_REASON_LABELS.items()),
        validators=[Optional()],
    )
    rule = StringField(
        _l("Rule the decision rests on"),
        validators=[required(), max_length(200)],
        description=_l("For example: terms of use, section 4 (no insults), or the law."),
    )
    facts = TextAreaField(
        _l("Facts and circumstances"),
        validators=[required(), max_length(2000)],
        description=_l("What you found. The author receives this as the statement of reasons."),
    )

    passage = TextAreaField(
        _l("Passage to remove (when removing a passage)"),
        validators=[Optional(), max_length(2000)],
        description=_l(
            "Copy it exactly from the post. It is replaced by […]; the original stays in the audit log."
        ),
    )
    block_days = SelectField(
        _l("Block the author for (when blocking)"),
        choices=choices(
            [("7", _l("7 days")), ("30", _l("30 days")), ("90", _l("90 days")), ("0", _l("for good"))]
        ),
        default="7",
    )
    hide_pending = BooleanField(_l("Also hide what the author has waiting for approval"))

    # What an action needs besides the rule and the facts: (field name, message when empty).
    NEEDS = {
        "hide": [("reason_category", _l("Choose why the content is hidden."))],
        "block": [("reason_category", _l("Choose why the content is hidden."))],
        "redact": [("passage", _l("Copy the passage to remove into the field."))],
    }

    def validate(self, extra_validators=None) -> bool:
        # Checked here because Optional() ends a field's chain when it is empty, before
        # inline validators would run.
        valid = super().validate(extra_validators)
        for name, message in self.NEEDS.get(self.action.data, []):
            field = getattr(self, name, None)
            if field is not None and not (field.data or "").strip():
                field.errors = [*field.errors, message]
                valid = False
        return valid

    @property
    def chosen_block_days(self) -> int | None:
        return int(self.block_days.data) if self.action.data == "block" else None


class AppealForm(FlaskForm):
    text = TextAreaField(
        _l("Why should the decision be changed?"),
        validators=[
            required(),
            Length(min=10, max=4000, message=_l("Please write between 10 and 4,000 characters.")),
        ],
    )


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        choices=choices([("upheld", _l("The decision stands")), ("reversed", _l("Reverse the decision"))]),
        validators=[required()],
    )
    explanation = TextAreaField(_l("Explanation for the author"), validators=[required(), max_length(2000)])


class WatchWordsForm(FlaskForm):
    """One list per language; each line one word or phrase."""

    words_de = TextAreaField(_l("Watch words in German"), validators=[Optional(), max_length(20000)])
    words_en = TextAreaField(_l("Watch words in English"), validators=[Optional(), max_length(20000)])
    words_uk = TextAreaField(_l("Watch words in Ukrainian"), validators=[Optional(), max_length(20000)])
    words_ar = TextAreaField(_l("Watch words in Arabic"), validators=[Optional(), max_length(20000)])


class PreModerationForm(FlaskForm):
    page_url = StringField(
        _l("Address of the page"),
        validators=[required(), max_length(500)],
        description=_l(
            "The address of a consultation (its new ideas and the comments on them wait), a project or a "
            "council paper (its new comments wait), as it appears in the browser."
        ),
    )


# The actions that fit many cases at once; removing a passage and blocking are one by one.
BULK_ACTIONS = (Action.APPROVE, Action.HIDE, Action.RESTORE, Action.DISMISS)


class BulkDecisionForm(DecisionForm):
    """One decision with the same reasons for several cases of the queue."""

    case_ids = SelectMultipleField(
        _l("Cases"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Select at least one case."))],
    )
    # removing a passage and blocking are decided case by case
    passage = None
    block_days = None
    hide_pending = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = choices((a.value, ACTION_LABELS[a]) for a in BULK_ACTIONS)
        self.action.label.text = _l("Decision for the selected cases")
