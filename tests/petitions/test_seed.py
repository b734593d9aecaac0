"""The demo petitions: every state a resident meets, with signature histories that look real."""

from collections import Counter

from sqlalchemy import select

from participation.extensions import db
from participation.petitions import counts
from participation.petitions.models import Petition, PetitionState, Signature


def _seeded(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return {p.state: p for p in db.session.scalars(select(Petition).order_by(Petition.id.desc()))}


def test_demo_has_a_petition_in_every_state(app):
    with app.test_request_context():
        by_state = _seeded(app)
        assert set(by_state) == {state.value for state in PetitionState}
        answered = by_state[PetitionState.ANSWERED.value]
        assert answered.response and answered.answered_at and answered.response_url.startswith("https://")
        awaiting = by_state[PetitionState.AWAITING_RESPONSE.value]
        assert counts.totals(awaiting.id).for_quorum >= awaiting.quorum_for(1500)
        closed = by_state[PetitionState.CLOSED.value]
        assert counts.totals(closed.id).for_quorum < closed.quorum_for(1500)
        mine = {p.state for p in by_state.values() if p.author and p.author.email == "resident@example.org"}
        assert {PetitionState.DRAFT.value, PetitionState.GATHERING.value} <= mine


def test_demo_signatures_crowd_in_the_petitions_district_and_the_first_days(app):
    with app.test_request_context():
        _seeded(app)
        petition = db.session.scalar(select(Petition).where(Petition.title.like("Tempo 30%")))
        rows = db.session.execute(
            select(Signature.district, Signature.confirmed_at).where(Signature.petition_id == petition.id)
        ).all()
        by_district = Counter(district for district, _ in rows)
        assert by_district.most_common(1)[0][0] == petition.district
        assert by_district[None] > 0  # some sign from outside Leipzig
        first_week = sum(1 for _, at in rows if (at - petition.opened_at).days < 7)
        assert first_week > len(rows) / 2
        totals = counts.totals(petition.id)
        assert totals.held > 0 and totals.online == len(rows) - totals.held  # held ones wait for staff
