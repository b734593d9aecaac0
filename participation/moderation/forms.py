"""The report form (anyone), the decision form (moderators) and the appeal form (authors)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from participation.core.forms import choices, max_length, required, strip_whitespace
from participation.moderation.models import ACTION_LABELS, REPORT_REASON_LABELS, ReportReason


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

    def validate_reason_category(self, field):
        if self.action.data == "hide" and not field.data:
            raise ValidationError(_l("Choose why the content is hidden."))


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
