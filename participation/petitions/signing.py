"""Signing a petition and confirming the signature. Services flush; views commit.

The page after signing says the same for everyone ("check your inbox"), so it reveals
nothing about who signed; what differs is only the mail, which goes to the stored address
of the signature: a new confirmation link while it is pending (at most five), or a note
that the person has already signed. Both databases insert with ON CONFLICT DO NOTHING on
(petition, address key): two submissions of one person at once make one row, never an error.

That INSERT is written out as SQL (`_INSERT_SIGNATURE`), the same for PostgreSQL and SQLite:
SQLAlchemy compiles the dialects' ON CONFLICT inserts anew on every execution (they have no
cache key), which cost more than a millisecond of the signing request, the hot path.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, select, text, update

from participation.core import events
from participation.core.models import UTCDateTime, utcnow
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

_INSERT_SIGNATURE = text(
    "INSERT INTO petition_signature (petition_id, user_id, name, name_shown, email, address_key,"
    " postcode, in_municipality, district, ip_hash, email_domain, created_at, confirmed_at, links_sent,"
    " held, held_reason)"
    " VALUES (:petition_id, :user_id, :name, :name_shown, :email, :address_key, :postcode, :in_municipality,"
    " :district, :ip_hash, :email_domain, :created_at, :confirmed_at, :links_sent, :held, :held_reason)"
    " ON CONFLICT (petition_id, address_key) DO NOTHING RETURNING id"
).bindparams(bindparam("created_at", type_=UTCDateTime()), bindparam("confirmed_at", type_=UTCDateTime()))


# The common confirmation in one statement: a pending, valid signature of an open petition.
# Anything else (confirmed already, closed, invalidated, a petition still gathering its
# supporters, which may then move on to moderation) matches no row, and confirm() looks at
# the signature to say what applies.
_CONFIRM_WHILE_SIGNABLE = text(
    "UPDATE petition_signature SET confirmed_at = :now"
    " WHERE id = :signature_id AND confirmed_at IS NULL AND invalidated_at IS NULL"
    " AND petition_id IN (SELECT id FROM petition WHERE state = 'open')"
    " RETURNING petition_id, held"
).bindparams(bindparam("now", type_=UTCDateTime()))


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
    # Where mail about this signing goes: the address stored with the signature, which for a
    # second attempt is the first one's, not what was typed now.
    email: str | None = None


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
         user=None, ip_hash: str | None = None, email_domain: str | None = None,
         district: str | None = None, held: bool = False, held_reason: str | None = None,
         submitted_at: datetime | None = None) -> Signing:
    """Sign, or find the person's signature; `ip_hash` .. `held_reason` come from abuse.py
    and are written with a new signature only (a second attempt changes nothing stored).
    `submitted_at`: when the person sent the form, for a signature taken later (the intake);
    it counts if the petition was open then."""
    now = utcnow()
    if not took_signatures_at(petition, submitted_at or now):
        raise SignatureRefused(_l("This petition takes no more signatures."))
    key = signer_key(email)
    now = submitted_at or now
    # A signed-in person whose address is confirmed signs in one step: we know the mailbox.
    confirmed_person = (
        user is not None and getattr(user, "is_authenticated", False) and user.email_confirmed
        and signer_key(user.email) == key
    )
    inserted = db.session.execute(_INSERT_SIGNATURE, {
        "petition_id": petition.id, "user_id": user.id if confirmed_person else None, "name": name.strip(),
        "name_shown": NameShown(name_shown).value, "email": stored_address(email), "address_key": key,
        "postcode": (postcode or "").strip() or None, "in_municipality": in_municipality(postcode),
        "district": district, "ip_hash": ip_hash, "email_domain": email_domain, "created_at": now,
        "confirmed_at": now if confirmed_person else None, "links_sent": 1, "held": held,
        "held_reason": held_reason if held else None,
    }).scalar()
    if inserted is not None:
        if confirmed_person and not held:  # a held one counts only once staff release it
            events.emit(COUNT_CHANGED, subject=("petition", petition.id), why="signed")
        outcome = Outcome.CONFIRMED_AT_ONCE if confirmed_person else Outcome.NEW
        return Signing(outcome, inserted, stored_address(email))
    existing = db.session.execute(
        select(Signature.id, Signature.confirmed_at, Signature.email)
        .where(Signature.petition_id == petition.id, Signature.address_key == key)
    ).one()
    if existing.confirmed_at is not None:
        return Signing(Outcome.ALREADY_SIGNED, existing.id, existing.email)
    # Count the new link in the same statement that checks the limit: two tabs cannot both
    # take the fifth.
    counted = db.session.execute(
        update(Signature)
        .where(Signature.id == existing.id, Signature.links_sent < MAX_LINKS,
               Signature.confirmed_at.is_(None))
        .values(links_sent=Signature.links_sent + 1)
    ).rowcount
    return Signing(Outcome.PENDING_AGAIN if counted else Outcome.LINKS_EXHAUSTED, existing.id, existing.email)


def took_signatures_at(petition: Petition, moment: datetime) -> bool:
    if petition.state in SIGNABLE:
        return True
    return petition.closed_at is not None and moment <= petition.closed_at


class Failure(StrEnum):
    """Why a confirmation link does not work; the page answers each in its own way."""

    INVALID = "invalid"  # not a link we made (cut off, tampered with)
    EXPIRED = "expired"  # older than LINK_MAX_AGE
    GONE = "gone"  # the signature was invalidated or erased
    CLOSED = "closed"  # the petition closed (and the grace period is over)


class ConfirmationFailed(ValueError):
    """`message` for the page; `failure` says which; `petition_id` where known (to sign again)."""

    def __init__(self, message, failure: Failure = Failure.INVALID, petition_id: int | None = None):
        super().__init__(str(message))
        self.message, self.failure, self.petition_id = message, failure, petition_id


def signature_for_link(token: str) -> tuple[Signature, datetime]:
    """The signature a confirmation link names and when the link was issued, confirming
    nothing (the page behind the link asks first: mail scanners open links). Raises
    ConfirmationFailed when the link cannot confirm it; a confirmed one is always returned."""
    try:
        signature_id, issued = _serializer().loads(
            token, max_age=int(LINK_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except SignatureExpired as expired:
        message = _l("This link has expired. Please sign again to get a new one.")
        raise ConfirmationFailed(message, Failure.EXPIRED, _petition_of(expired.payload)) from expired
    except BadData as bad:  # a bad signature, or (never from us) a payload that is not ours
        message = _l("This link is not valid. Please copy it from the mail completely.")
        raise ConfirmationFailed(message, Failure.INVALID) from bad
    signature = db.session.get(Signature, signature_id) if isinstance(signature_id, int) else None
    if signature is None or signature.invalidated_at is not None:
        raise ConfirmationFailed(_l("This signature no longer exists."), Failure.GONE,
                                 signature.petition_id if signature is not None else None)
    # A link mailed late for a signature made in time (the intake under load) counts from then.
    made = min(issued, signature.created_at)
    if signature.confirmed_at is None and not _still_counts(signature.petition, made):
        raise ConfirmationFailed(_l("This petition closed before the link was followed."), Failure.CLOSED,
                                 signature.petition_id)
    return signature, issued


def _petition_of(payload) -> int | None:
    """The petition of an expired link's signature, so its page can offer to sign again."""
    try:
        signature_id = _serializer().load_payload(payload)
    except BadData:
        return None
    if not isinstance(signature_id, int):
        return None
    return db.session.scalar(select(Signature.petition_id).where(Signature.id == signature_id))


@dataclass(frozen=True)
class QuickConfirmation:
    petition_id: int
    held: bool


def confirm_quickly(token: str) -> QuickConfirmation | None:
    """The mailed link's usual case, a pending signature of an open petition,
    confirmed with one statement and no objects loaded (hundreds a second when a petition goes
    viral). None when anything else applies: then confirm() decides and explains."""
    try:
        signature_id = _serializer().loads(token, max_age=int(LINK_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(signature_id, int):
        return None
    values = {"now": utcnow(), "signature_id": signature_id}
    row = db.session.execute(_CONFIRM_WHILE_SIGNABLE, values).one_or_none()
    if row is None:
        return None
    if not row.held:
        events.emit(COUNT_CHANGED, subject=("petition", row.petition_id), why="confirmed")
    return QuickConfirmation(row.petition_id, bool(row.held))


def confirm(token: str) -> Signature:
    """Follow the mailed link: the signature counts from now on. Twice is harmless."""
    signature, _issued = signature_for_link(token)
    if signature.confirmed_at is not None:
        return signature
    confirmed = db.session.execute(
        update(Signature).where(Signature.id == signature.id, Signature.confirmed_at.is_(None))
        .values(confirmed_at=utcnow())
    ).rowcount
    if confirmed and not signature.held:  # not when a second click in another tab was first
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
