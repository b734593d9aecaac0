"""The signing form, shared by the petition page, the signing page and the supporters' link.

Field names are part of the public contract (`name`, `email`, `postcode`, `privacy_consent`):
the benchmark and anyone embedding a signing form post them.
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Regexp

from participation.core.forms import choices, email_field, max_length, required, strip_whitespace
from participation.petitions.models import NameShown

NAME_SHOWN_LABELS = {
    NameShown.FULL: _l("Show my full name"),
    NameShown.INITIALS: _l("Show only my initials"),
    NameShown.HIDDEN: _l("Do not show my name"),
}


class SignatureForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[required(), max_length(120)], filters=[strip_whitespace],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    postcode = StringField(
        _l("Postcode"),
        validators=[required(),
                    Regexp(r"^\s*[0-9]{5}\s*$", message=_l("Please enter a postcode of five digits."))],
        filters=[strip_whitespace],
        description=_l(
            "Signatures from outside Leipzig are welcome; they are counted apart from the quorum."
        ),
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    name_shown = RadioField(
        _l("Your name on the petition page"), choices=choices(NAME_SHOWN_LABELS.items()),
        default=NameShown.FULL.value, validators=[required()],
    )
    privacy_consent = BooleanField(
        _l("I agree that my name, email address and postcode are stored to count my signature, "
           "as the privacy notice describes."),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to sign."))],
    )
    # A honeypot: hidden from people (and assistive technology) by the template, filled in by
    # bots that fill every field. A filled-in form looks accepted but signs nothing.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())


def signature_form(**kwargs) -> SignatureForm:
    """The signing form; for a signed-in person filled in with their name and address, so a
    resident with a confirmed address signs in one step. The petition page uses it too."""
    form = SignatureForm(**kwargs)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = form.name.data or current_user.display_name
        form.email.data = form.email.data or current_user.email
    return form
