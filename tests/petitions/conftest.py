"""Petitions in any state, with signatures, for the tests of every petition page and service."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import NameShown, Petition, PetitionState, Signature
from participation.petitions.signing import signer_key

_numbers = itertools.count()


def add_signatures(app, petition_id: int, how_many: int, *, confirmed: bool = True,
                   postcode: str = "04277", district: str | None = "Süd",
                   name_shown: NameShown = NameShown.FULL, days_ago: int = 0, **fields) -> list[int]:
    """`how_many` signatures of different people, written directly (fast, for pages and counts)."""
    ids = []
    with app.app_context():
        when = utcnow() - timedelta(days=days_ago)
        for number in itertools.islice(_numbers, how_many):
            email = f"unterzeichnerin-{number}@example.org"
            signature = Signature(
                petition_id=petition_id, name=f"Erika Muster {number}", name_shown=name_shown.value,
                email=email,
                address_key=signer_key(email), postcode=postcode, in_municipality=postcode.startswith("04"),
                district=district, email_domain="example.org", created_at=when,
                confirmed_at=when if confirmed else None, **fields,
            )
            db.session.add(signature)
            db.session.flush()
            ids.append(signature.id)
        db.session.commit()
    return ids


@pytest.fixture
def petition_factory(app, user_factory):
    """make(state=PetitionState.OPEN, signatures=0, author=None, **fields) -> petition id."""

    def _make(state: PetitionState = PetitionState.OPEN, signatures: int = 0, author=None, **fields) -> int:
        author = author or user_factory()
        now = utcnow()
        values = {
            "title": "Mehr Bänke im Clara-Zetkin-Park",
            "request": "Die Stadt stellt entlang der Hauptwege zwanzig neue Bänke auf.",
            "background": "Ältere Menschen finden kaum Gelegenheit zum Ausruhen.",
            "district": "Süd",
            "supporter_key": f"key-{next(_numbers)}",
        }
        if state not in (PetitionState.DRAFT, PetitionState.GATHERING):
            values.update(submitted_at=now - timedelta(days=10))
        if state in (PetitionState.OPEN, PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED,
                     PetitionState.CLOSED):
            values.update(opened_at=now - timedelta(days=7), closes_at=now + timedelta(days=35),
                          decided_at=now)
        if state in (PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED, PetitionState.CLOSED):
            values.update(closes_at=now - timedelta(days=1), closed_at=now - timedelta(days=1))
        values.update(fields)
        with app.app_context():
            petition = Petition(state=state.value, author_id=author.id, **values)
            db.session.add(petition)
            db.session.commit()
            petition_id = petition.id
        if signatures:
            add_signatures(app, petition_id, signatures)
        return petition_id

    return _make
