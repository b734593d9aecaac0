"""The mails of signing: a confirmation link, or a note that the person has already signed.

Each goes to the address stored with the signature (`Signing.email`): for a second attempt
that is the first one's, so whoever typed someone else's address learns nothing and sends the
owner nothing but a harmless note. The mails greet no one by name for the same reason: the
name typed this time may not be the owner's. They are written in the language of the page
the person signed on.

They are composed when delivered (core.mail.queue_composed): signing is the hot path, and
the request stores only the recipient, the petition, the language and the link. The link is
made in the request, so its timestamp is the time of signing (the grace period after a
petition closes counts from it).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from participation.core.mail import queue_composed, register_composer
from participation.core.urls import external_url
from participation.extensions import db
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


COMPOSER = "petitions.signing"
CONFIRM, ALREADY_SIGNED = "confirm", "already_signed"


def register() -> None:
    register_composer(COMPOSER, compose)


def send_confirmation_link(to: str, signature_id: int, petition: Petition) -> None:
    link = external_url("petitions.confirm", token=signing.confirmation_token(signature_id))
    _queue(to, CONFIRM, petition, link=link)


def send_already_signed(to: str, petition: Petition) -> None:
    public = petition.state in PUBLIC_STATES
    link = external_url("petitions.show", petition_id=petition.id) if public else None
    _queue(to, ALREADY_SIGNED, petition, link=link)


def _queue(to: str, kind: str, petition: Petition, *, link: str | None) -> None:
    queue_composed(to, COMPOSER, {"kind": kind, "petition_id": petition.id, "link": link,
                                  "locale": str(get_locale())})


def compose(params: dict) -> tuple[str, str]:
    """(subject, body) of a signing mail, in the language the person signed in."""
    petition = db.session.get(Petition, params["petition_id"])
    with force_locale(params["locale"]):
        if params["kind"] == CONFIRM:
            return str(_l("Please confirm your signature")), render_template(
                "petitions/mail/confirm.txt", petition=petition, link=params["link"],
                days=signing.LINK_MAX_AGE.days)
        return str(_l("You have already signed this petition")), render_template(
            "petitions/mail/already_signed.txt", petition=petition, link=params["link"])
