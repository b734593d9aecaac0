"""Anonymisation: who signed is erased a while after the end; how many, where and when stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import counts
from participation.petitions.anonymize import anonymize_due
from participation.petitions.models import Petition, PetitionState, Signature


def _over(petition_factory, state, days_ago: int, signatures: int = 3) -> int:
    when = utcnow() - timedelta(days=days_ago)
    fields = {"closed_at": when}
    if state is PetitionState.ANSWERED:
        fields["answered_at"] = when
    return petition_factory(state=state, signatures=signatures, **fields)


def _signatures(petition_id: int) -> list[Signature]:
    return list(db.session.scalars(select(Signature).where(Signature.petition_id == petition_id)))


def _figures(petition_id: int):
    return counts.totals(petition_id), counts.by_district(petition_id), counts.by_day(petition_id)


def test_due_petitions_lose_names_addresses_and_ip_hashes_but_keep_their_counts(app, petition_factory):
    answered = _over(petition_factory, PetitionState.ANSWERED, days_ago=181)
    closed = _over(petition_factory, PetitionState.CLOSED, days_ago=200)
    with app.app_context():
        db.session.execute(
            Signature.__table__.update().values(ip_hash="a1b2c3d4", user_id=None)
        )
        before = {pid: _figures(pid) for pid in (answered, closed)}
        keys = {s.id: s.address_key for s in _signatures(answered)}
        assert sorted(anonymize_due()) == sorted([answered, closed])
        db.session.commit()
        for pid in (answered, closed):
            for signature in _signatures(pid):
                assert (signature.name, signature.email, signature.postcode, signature.ip_hash,
                        signature.email_domain, signature.user_id) == (None,) * 6
                assert signature.name_shown == "hidden" and signature.district == "Süd"
                assert signature.confirmed_at is not None and signature.created_at is not None
            assert _figures(pid) == before[pid]
            assert counts.shown_names(pid) == []
            assert db.session.get(Petition, pid).anonymized_at is not None
        # the keyed hash stays: one row per person, the same mailbox still cannot sign twice
        assert {s.id: s.address_key for s in _signatures(answered)} == keys


def test_petitions_not_yet_due_keep_their_signers(app, petition_factory):
    recent = _over(petition_factory, PetitionState.CLOSED, days_ago=179)
    open_one = petition_factory(state=PetitionState.OPEN, signatures=2)
    waiting = _over(petition_factory, PetitionState.AWAITING_RESPONSE, days_ago=400)
    with app.app_context():
        assert anonymize_due() == []
        for pid in (recent, open_one, waiting):
            assert all(s.email and s.name for s in _signatures(pid))
            assert db.session.get(Petition, pid).anonymized_at is None
        # with the time passed, the closed one is due (a day later than 179 days is 180 and a bit)
        assert anonymize_due(utcnow() + timedelta(days=2)) == [recent]


def test_a_second_run_changes_nothing(app, petition_factory):
    petition_id = _over(petition_factory, PetitionState.CLOSED, days_ago=365)
    with app.app_context():
        assert anonymize_due() == [petition_id]
        first = db.session.get(Petition, petition_id).anonymized_at
        db.session.commit()
        assert anonymize_due() == []
        db.session.expire_all()
        assert db.session.get(Petition, petition_id).anonymized_at == first
