"""The forms of the council's staff pages (staff_*views.py).

They check the shape of the input (required, lengths, dates in order, a http(s) URL); what
depends on the data (a paper reference already taken, a paper that does not exist, a file
that is no PDF) is checked by staff_services and comes back as a CouncilInputError, which
the view puts on the field it names. Moments are typed in the city's time (datetime-local);
the views convert them to UTC.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from participation.core.forms import MultiCheckboxField, choices, max_length, required, strip_whitespace

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
# OParl leaves these open; the values are the ones German council systems send
MEETING_STATES = {
    "terminiert": _l("Scheduled"),
    "eingeladen": _l("Invitations sent"),
    "durchgeführt": _l("Took place"),
}
ORGANIZATION_TYPES = {
    "Gremium": _l("Committee or council"),
    "Fraktion": _l("Parliamentary group"),
    "Partei": _l("Party"),
    "Verwaltungsbereich": _l("Administrative department"),
    "externes Gremium": _l("External body"),
    "Sonstiges": _l("Other"),
}
NO_VALUE = ("", _l("Not given"))
END_BEFORE_START = _l("The end cannot come before the beginning.")


def _text(label, limit: int, *, needed: bool = False, description=None) -> StringField:
    return StringField(
        label,
        validators=[required() if needed else Optional(), max_length(limit)],
        filters=[strip_whitespace],
        description=description,
    )


def _day(label, description=None) -> DateField:
    return DateField(label, validators=[Optional()], description=description)


def _end_day(label) -> DateField:
    return DateField(label, validators=[Optional(), _after("start_date", END_BEFORE_START)])


def keep_current(field: SelectField, current: str | None) -> None:
    """A select of known values that still offers the object's own one (imported data may
    say anything), so saving the form never changes what nobody touched."""
    if current and current not in {choice.value for choice in field.choices}:
        field.choices = [*field.choices, *choices([(current, current)])]


def _after(start_field: str, message):
    def check(form, field):
        start = getattr(form, start_field).data
        if field.data and start and field.data < start:
            raise ValidationError(message)

    return check


class MeetingForm(FlaskForm):
    name = _text(_l("Name of the meeting"), 500, needed=True)
    organizations = MultiCheckboxField(_l("Committees"), coerce=int)
    start = DateTimeLocalField(
        _l("Begins"),
        validators=[Optional()],
        format=MOMENT_FORMAT,
        description=_l("Date and time in Leipzig. Leave empty while the date is not set."),
    )
    end = DateTimeLocalField(
        _l("Ends"),
        validators=[Optional(), _after("start", END_BEFORE_START)],
        format=MOMENT_FORMAT,
    )
    place = _text(
        _l("Place"), 500, description=_l("For example: Neues Rathaus, Festsaal. Leave empty if not known.")
    )
    meeting_state = SelectField(
        _l("State"), choices=choices([NO_VALUE, *MEETING_STATES.items()]), validators=[Optional()]
    )
    cancelled = BooleanField(_l("The meeting is cancelled"))


class AgendaItemForm(FlaskForm):
    number = _text(_l("Number"), 50, description=_l("As the agenda writes it, for example 5.1."))
    name = TextAreaField(
        _l("Subject"),
        validators=[required(), max_length(1000)],
        filters=[strip_whitespace],
        render_kw={"rows": 2},
    )
    public = BooleanField(
        _l("Public item"),
        default=True,
        description=_l(
            "Untick for the non-public part: the item and its files are then shown to staff only."
        ),
    )
    paper_reference = _text(
        _l("Paper"), 100, description=_l("The reference of the paper discussed, for example VIII-DS-01234.")
    )
    result = _text(_l("Result"), 200, description=_l("For example: angenommen, abgelehnt, vertagt."))
    resolution_text = TextAreaField(
        _l("Text of the resolution"),
        validators=[Optional(), max_length(20000)],
        filters=[strip_whitespace],
        render_kw={"rows": 6},
    )


class PaperForm(FlaskForm):
    name = TextAreaField(
        _l("Title of the paper"),
        validators=[required(), max_length(1000)],
        filters=[strip_whitespace],
        render_kw={"rows": 2},
    )
    reference = _text(_l("Reference"), 100, description=_l("For example VIII-DS-01234; unique."))
    paper_type = _text(
        _l("Type of paper"), 200, description=_l("For example: Beschlussvorlage, Antrag, Anfrage.")
    )
    date = _day(_l("Date of the paper"))


class PersonForm(FlaskForm):
    form_of_address = _text(_l("Form of address"), 100, description=_l("For example: Frau, Herr."))
    title = _text(
        _l("Academic title"),
        100,
        description=_l("For example: Dr. Several titles: separate them with commas."),
    )
    given_name = _text(_l("Given name"), 200)
    family_name = _text(_l("Family name"), 200, needed=True)
    affix = _text(_l("Name affix"), 100, description=_l("For example: von, jun."))
    name = _text(
        _l("Full name as shown"),
        300,
        description=_l("Leave empty to show title, given name and family name."),
    )


class OrganizationForm(FlaskForm):
    name = _text(_l("Name"), 300, needed=True)
    short_name = _text(_l("Short name"), 100)
    organization_type = SelectField(
        _l("Kind of organisation"),
        choices=choices([NO_VALUE, *ORGANIZATION_TYPES.items()]),
        validators=[Optional()],
    )
    classification = _text(_l("Classification"), 200, description=_l("For example: Ausschuss, Beirat."))
    start_date = _day(_l("Exists since"))
    end_date = _end_day(_l("Dissolved on"))


class MembershipForm(FlaskForm):
    person = SelectField(_l("Person"), coerce=int, validate_choice=False)
    organization = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    role = _text(
        _l("Role"), 200, description=_l("For example: Mitglied, Vorsitzende, stellvertretendes Mitglied.")
    )
    voting_right = BooleanField(_l("Has a vote"), default=True)
    on_behalf_of = SelectField(
        _l("On behalf of"),
        coerce=int,
        validate_choice=False,
        description=_l("The parliamentary group that sent the person, if any."),
    )
    start_date = _day(_l("Member since"))
    end_date = _end_day(_l("Member until"))


# What a file is to the object it is uploaded to: owner kind -> {role: label}
FILE_ROLES = {
    "meeting": {
        "auxiliary": _l("Attachment"),
        "invitation": _l("Invitation"),
        "results_protocol": _l("Results protocol"),
        "verbatim_protocol": _l("Verbatim protocol"),
    },
    "agenda_item": {"auxiliary": _l("Attachment"), "resolution": _l("Resolution")},
    "paper": {"main": _l("Main document"), "auxiliary": _l("Attachment")},
}


class FileForm(FlaskForm):
    document = FileField(
        _l("Document"),
        description=_l("A PDF of at most 15 MB."),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    name = _text(_l("Title of the document"), 500, needed=True, description=_l("Shown as the link text."))
    role = SelectField(_l("The document is"), choices=[])
    date = _day(_l("Date of the document"))
    public = BooleanField(
        _l("Public document"),
        default=True,
        description=_l("Untick for documents only staff may see: they are never shown or served."),
    )

    def for_owner(self, owner_kind: str) -> FileForm:
        self.role.choices = choices(FILE_ROLES[owner_kind].items())
        return self


class FileEditForm(FlaskForm):
    name = _text(_l("Title of the document"), 500, needed=True)
    date = _day(_l("Date of the document"))
    public = BooleanField(
        _l("Public document"),
        description=_l("Untick for documents only staff may see: they are never shown or served."),
    )


def _http_url(form, field):
    try:
        parts = urlsplit(field.data or "")
        host = parts.hostname
    except ValueError:  # "http://[::1" and the like
        raise ValidationError(_l("This is not a web address. Please check it.")) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(_l("Please enter an address that starts with https:// or http://."))
    if not host:
        raise ValidationError(
            _l("This address names no server. Please enter the full address of the OParl system.")
        )


class ImportForm(FlaskForm):
    url = StringField(
        _l("Address of the OParl system"),
        validators=[required(), max_length(1000), _http_url],
        filters=[strip_whitespace],
        description=_l(
            "The address of its System object, for example https://ratsinfo.example.de/oparl/v1/system."
        ),
        render_kw={"spellcheck": "false", "autocomplete": "url", "inputmode": "url"},
    )
