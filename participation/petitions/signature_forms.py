"""Staff forms for a petition's signatures: paper lists, invalidation, releasing held ones."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from participation.core.districts import DISTRICTS
from participation.core.forms import REQUIRED, choices, max_length, required, strip_whitespace

MAX_LIST_SIGNATURES = 100_000  # far above any paper list; catches a typed extra zero or two


class WholeNumberField(IntegerField):
    """WTForms' own message for "abc" is English only; this one goes through the catalogs."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Please enter a whole number.")) from error


class PaperListForm(FlaskForm):
    action = HiddenField(default="record")
    signatures = WholeNumberField(
        _l("Signatures on the list"),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=MAX_LIST_SIGNATURES,
                                            message=_l("Please enter a number from %(min)d to %(max)d."))],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    in_municipality = WholeNumberField(
        _l("Of those, with an address in Leipzig"),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=MAX_LIST_SIGNATURES,
                                            message=_l("Please enter a number from %(min)d to %(max)d."))],
        description=_l("Only these count towards the quorum."),
        render_kw={"inputmode": "numeric", "min": 0},
    )
    scan = FileField(
        _l("The scanned list"),
        description=_l("PDF, JPEG or PNG. Location data in images is removed. Only staff can open it."),
    )
    collected_on = DateField(
        _l("Collected on"), validators=[Optional()],
        description=_l("The day the list was handed in; the chart of signatures per day shows it then."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(2000)], filters=[strip_whitespace],
                         render_kw={"rows": 3})

    def district_fields(self):
        return [getattr(self, f"district_{index}") for index in range(len(DISTRICTS))]

    def district_counts(self) -> dict[str, int]:
        """{district: count} of the districts filled in (zero is left out)."""
        return {name: field.data for name, field in zip(DISTRICTS, self.district_fields(), strict=True)
                if field.data}


# One number field per district, optional: the breakdown is often not known.
for _index, _district in enumerate(DISTRICTS):
    setattr(PaperListForm, f"district_{_index}", WholeNumberField(
        _district,
        validators=[Optional(), NumberRange(min=0, max=MAX_LIST_SIGNATURES,
                                            message=_l("Please enter a number from %(min)d to %(max)d."))],
        render_kw={"inputmode": "numeric", "min": 0},
    ))


class RemovePaperListForm(FlaskForm):
    action = HiddenField(default="remove")
    paper_list_id = HiddenField()
    reason = StringField(_l("Why is the list removed?"), validators=[required(), max_length(500)],
                         filters=[strip_whitespace])


CRITERION_LABELS = {
    "email": _l("One email address"),
    "domain": _l("An email domain"),
    "ip": _l("An IP range"),
    "time": _l("A time range"),
}


class InvalidateForm(FlaskForm):
    criterion = RadioField(_l("Invalidate the signatures of"), choices=choices(CRITERION_LABELS.items()),
                           default="domain", validators=[required()])
    email = StringField(_l("Email address"), validators=[Optional(), max_length(320)],
                        filters=[strip_whitespace], render_kw={"spellcheck": "false"})
    domain = StringField(_l("Email domain"), validators=[Optional(), max_length(255)],
                         filters=[strip_whitespace], description=_l("For example: example.org"),
                         render_kw={"spellcheck": "false"})
    ip_hash = StringField(_l("IP range"), validators=[Optional(), max_length(64)], filters=[strip_whitespace],
                          description=_l("As the overview shows it: the start of its code is enough."),
                          render_kw={"spellcheck": "false"})
    start = DateTimeLocalField(_l("Signed from (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    end = DateTimeLocalField(_l("Signed before (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    reason = StringField(_l("Reason"), validators=[required(), max_length(500)], filters=[strip_whitespace],
                         description=_l("Kept in the audit log and beside each signature."))


RELEASE_LABELS = {
    "all": _l("All held signatures"),
    "reason": _l("Those held for one reason"),
    "ip": _l("Those of one IP range"),
    "domain": _l("Those of one email domain"),
}


class ReleaseHeldForm(FlaskForm):
    scope = RadioField(_l("Release"), choices=choices(RELEASE_LABELS.items()), default="all",
                       validators=[required()])
    value = StringField(_l("Reason, IP range or domain"), validators=[Optional(), max_length(255)],
                        filters=[strip_whitespace])
