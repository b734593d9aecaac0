"""What petitions keep about a person (signatures): exported, and erased with the account.

A person's signatures are found by their account and by their address key, so a signature
given before signing up belongs to them too. Erasing keeps the signature counted (the
petition's count must not change when someone leaves) but removes name, address and
postcode. The key that stays is a keyed hash (signing.signer_key): the same mailbox still
cannot sign twice, and nobody can read the address back from it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from participation.core import personal_data
from participation.extensions import db
from participation.petitions.models import NameShown, Petition, Signature
from participation.petitions.signing import signer_key

LABELS = {
    "petition": _l("Petition"),
    "name": _l("Name"),
    "email": _l("Email address"),
    "postcode": _l("Postcode"),
    "signed_at": _l("Signed"),
    "confirmed_at": _l("Confirmed"),
}


ERASES = _l("Your name, email address and postcode on petitions you signed (the signature still counts)")


def _mine(user):
    conditions = [Signature.user_id == user.id]
    if user.email:
        conditions.append(Signature.address_key == signer_key(user.email))
    return or_(*conditions)


def _export_signatures(user) -> list[dict]:
    rows = db.session.execute(
        select(Signature, Petition.title).join(Petition).where(_mine(user)).order_by(Signature.id)
    )
    return [
        {
            "petition": title,
            "name": signature.name,
            "email": signature.email,
            "postcode": signature.postcode,
            "signed_at": signature.created_at,
            "confirmed_at": signature.confirmed_at,
        }
        for signature, title in rows
    ]


def _erase_signatures(user) -> None:
    db.session.execute(
        update(Signature).where(_mine(user))
        .values(name=None, email=None, postcode=None, name_shown=NameShown.HIDDEN.value, user_id=None)
    )


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "petition_signatures", _export_signatures, title=_l("Petitions you signed"), labels=LABELS,
        position=15,
    )
    personal_data.register_eraser(
        _erase_signatures,
        erases=ERASES,
    )
