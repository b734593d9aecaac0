"""The mails of signing: a confirmation link, or a note that the person has already signed.

Each goes to the address stored with the signature (`Signing.email`): for a second attempt
that is the first one's, so whoever typed someone else's address learns nothing and sends the
owner nothing but a harmless note. The mails greet no one by name for the same reason: the
name typed this time may not be the owner's. They are written in the language of the page
the person signed on.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from participation.core.mail import send_mail
from participation.core.urls import external_url
from participation.petitions import signing
from participation.petitions.models import Petition, PetitionState
from participation.petitions.signing import Outcome, Signing

# Petitions whose page anyone may open: a mail links it (a gathering one is still private).
PUBLIC_STATES = frozenset({PetitionState.OPEN.value, PetitionState.AWAITING_RESPONSE.value,
                           PetitionState.ANSWERED.value, PetitionState.CLOSED.value})


def send_for(result: Signing, petition: Petition) -> None:
    """The mail that fits the outcome of a signing; none when it needs none."""
    if result.email is None:
        return
    if result.outcome in (Outcome.NEW, Outcome.PENDING_AGAIN):
        send_confirmation_link(result.email, result.signature_id, petition)
    elif result.outcome is Outcome.ALREADY_SIGNED:
        send_already_signed(result.email, petition)
    # LINKS_EXHAUSTED: five links went out, a sixth would only flood the inbox;
    # CONFIRMED_AT_ONCE: the page itself says that the signature counts.


def send_confirmation_link(to: str, signature_id: int, petition: Petition) -> None:
    link = external_url("petitions.confirm", token=signing.confirmation_token(signature_id))
    days = signing.LINK_MAX_AGE.days
    _send(to, _l("Please confirm your signature"), "petitions/mail/confirm.txt",
          petition=petition, link=link, days=days)


def send_already_signed(to: str, petition: Petition) -> None:
    public = petition.state in PUBLIC_STATES
    link = external_url("petitions.show", petition_id=petition.id) if public else None
    _send(to, _l("You have already signed this petition"), "petitions/mail/already_signed.txt",
          petition=petition, link=link)


def _send(to: str, subject, template: str, **context) -> None:
    send_mail(to, str(subject), render_template(template, **context))
