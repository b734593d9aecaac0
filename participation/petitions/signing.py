"""Signing a petition and confirming the signature. Services flush; views commit.

The page after signing says the same for everyone ("check your inbox"), so it reveals
nothing about who signed; what differs is only the mail, which goes to the stored address
of the signature: a new confirmation link while it is pending (at most five), or a note
that the person has already signed. Both databases insert with ON CONFLICT DO NOTHING on
(petition, address key): two submissions of one person at once make one row, never an error.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from participation.core import events
from participation.core.database import insert_for
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions.identity import address_key, stored_address
from participation.petitions.models import NameShown, Petition, PetitionState, Signature

# What changes a petition's count: a confirmation (or a one-step signature), and staff
# releasing held signatures, invalidating some or recording a paper list. The live count and
# the milestones listen (live_count.py); subject: ("petition", id).
COUNT_CHANGED = "petition.count_changed"
EVENTS = {COUNT_CHANGED: "a petition's count changed; subject: (petition, id); payload: why"}

MAX_LINKS = 5
LINK_MAX_AGE = timedelta(days=14)
SIGNABLE = {PetitionState.GATHERING.value, PetitionState.OPEN.value}


class SignatureRefused(ValueError):
    """The petition takes no signatures now; `message` says why, for the form."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Outcome(StrEnum):
    NEW = "new"  # mail a confirmation link
    CONFIRMED_AT_ONCE = "confirmed_at_once"  # a signed-in person with a confirmed address
    PENDING_AGAIN = "pending_again"  # mail a new link
    ALREADY_SIGNED = "already_signed"  # mail a note
    LINKS_EXHAUSTED = "links_exhausted"  # five links went out: mail nothing more


@dataclass(frozen=True)
class Signing:
    outcome: Outcome
    signature_id: int


def signer_key(email: str) -> str:
    """Who signed, as the petition's rows keep it: a keyed hash of the address key, so the
    same mailbox cannot sign twice (even after its name and address were erased) and the
    address cannot be read back from the key."""
    key = address_key(email, current_settings().dotless_domains)
    return hmac.new(current_app.config["SECRET_KEY"].encode(), key.encode(), hashlib.sha256).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="petition-signature")


def confirmation_token(signature_id: int) -> str:
    return _serializer().dumps(signature_id)


def in_municipality(postcode: str | None) -> bool:
    prefixes = current_settings().municipal_postcode_prefixes
    return bool(postcode) and any(postcode.strip().startswith(prefix) for prefix in prefixes)


def sign(petition: Petition, *, name: str, email: str, postcode: str, name_shown: NameShown,
         user=None) -> Signing:
    if petition.state not in SIGNABLE:
        raise SignatureRefused(_l("This petition takes no more signatures."))
    key = signer_key(email)
    now = utcnow()
    # A signed-in person whose address is confirmed signs in one step: we know the mailbox.
    confirmed_person = (
        user is not None and getattr(user, "is_authenticated", False) and user.email_confirmed
        and signer_key(user.email) == key
    )
    insert = insert_for(db.session)
    inserted = db.session.execute(
        insert(Signature)
        .values(
            petition_id=petition.id, user_id=user.id if confirmed_person else None, name=name.strip(),
            name_shown=NameShown(name_shown).value, email=stored_address(email), address_key=key,
            postcode=(postcode or "").strip() or None, in_municipality=in_municipality(postcode),
            created_at=now, confirmed_at=now if confirmed_person else None, links_sent=1, held=False,
        )
        .on_conflict_do_nothing(index_elements=["petition_id", "address_key"])
        .returning(Signature.id)
    ).scalar()
    if inserted is not None:
        if confirmed_person:
            events.emit(COUNT_CHANGED, subject=("petition", petition.id), why="signed")
        return Signing(Outcome.CONFIRMED_AT_ONCE if confirmed_person else Outcome.NEW, inserted)
    existing = db.session.execute(
        select(Signature.id, Signature.confirmed_at)
        .where(Signature.petition_id == petition.id, Signature.address_key == key)
    ).one()
    if existing.confirmed_at is not None:
        return Signing(Outcome.ALREADY_SIGNED, existing.id)
    # Count the new link in the same statement that checks the limit: two tabs cannot both
    # take the fifth.
    counted = db.session.execute(
        update(Signature)
        .where(Signature.id == existing.id, Signature.links_sent < MAX_LINKS,
               Signature.confirmed_at.is_(None))
        .values(links_sent=Signature.links_sent + 1)
    ).rowcount
    return Signing(Outcome.PENDING_AGAIN if counted else Outcome.LINKS_EXHAUSTED, existing.id)


class ConfirmationFailed(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def confirm(token: str) -> Signature:
    """Follow the mailed link: the signature counts from now on. Twice is harmless."""
    try:
        signature_id, issued = _serializer().loads(
            token, max_age=int(LINK_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except SignatureExpired as expired:
        message = _l("This link has expired. Please sign again to get a new one.")
        raise ConfirmationFailed(message) from expired
    except BadSignature as bad:
        message = _l("This link is not valid. Please copy it from the mail completely.")
        raise ConfirmationFailed(message) from bad
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.invalidated_at is not None:
        raise ConfirmationFailed(_l("This signature no longer exists."))
    if signature.confirmed_at is not None:
        return signature
    if not _still_counts(signature.petition, issued):
        raise ConfirmationFailed(_l("This petition closed before the link was followed."))
    confirmed = db.session.execute(
        update(Signature).where(Signature.id == signature.id, Signature.confirmed_at.is_(None))
        .values(confirmed_at=utcnow())
    ).rowcount
    if confirmed:  # not when a second click in another tab was first
        events.emit(COUNT_CHANGED, subject=("petition", signature.petition_id), why="confirmed")
    db.session.refresh(signature)
    return signature


def _still_counts(petition: Petition, issued: datetime) -> bool:
    """Open petitions take confirmations; a closed one those mailed before it closed, for a
    grace period (PETITION_CONFIRM_GRACE_HOURS)."""
    if petition.state in SIGNABLE:
        return True
    if petition.closed_at is None:
        return False
    grace = timedelta(hours=current_settings().petition_confirm_grace_hours)
    return issued <= petition.closed_at and utcnow() <= petition.closed_at + grace
