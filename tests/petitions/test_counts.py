"""The counts people see: only signatures that count, paper lists apart, the quorum by municipality."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import counts
from participation.petitions.models import NameShown, PaperList, Signature
from tests.petitions.conftest import add_signatures


def _paper(app, petition_id, signatures, in_municipality, districts=None, days_ago=0):
    with app.app_context():
        db.session.add(PaperList(
            petition_id=petition_id, signatures=signatures, in_municipality=in_municipality,
            districts=districts,
            collected_on=utcnow() - timedelta(days=days_ago),
        ))
        db.session.commit()


def test_only_confirmed_signatures_that_are_neither_held_nor_invalidated_count(app, petition_factory):
    petition_id = petition_factory()
    add_signatures(app, petition_id, 4)
    add_signatures(app, petition_id, 2, confirmed=False)
    held = add_signatures(app, petition_id, 3, held=True, held_reason="ip")
    invalid = add_signatures(app, petition_id, 1)
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.id.in_(invalid)).values(invalidated_at=utcnow()))
        db.session.commit()
        totals = counts.totals(petition_id)
    assert (totals.online, totals.held, totals.total) == (4, len(held), 4)


def test_the_quorum_counts_the_municipality_and_paper_lists_add_to_both(app, petition_factory):
    petition_id = petition_factory()
    add_signatures(app, petition_id, 6, postcode="04109", district="Mitte")
    add_signatures(app, petition_id, 2, postcode="10115", district=None)
    _paper(app, petition_id, 10, 7)
    with app.app_context():
        totals = counts.totals(petition_id)
    assert totals.total == 18
    assert totals.paper == 10
    assert totals.for_quorum == 13
    assert totals.outside == 5
    assert totals.percent_of(26) == 50


def test_counts_of_many_petitions_at_once(app, petition_factory):
    first, second, empty = petition_factory(signatures=3), petition_factory(signatures=1), petition_factory()
    _paper(app, second, 5, 5)
    with app.app_context():
        assert counts.totals_for([first, second, empty]) == {first: 3, second: 6, empty: 0}


def test_signatures_per_day_and_district(app, petition_factory):
    petition_id = petition_factory()
    add_signatures(app, petition_id, 3, days_ago=2, postcode="04109", district="Mitte")
    add_signatures(app, petition_id, 1, days_ago=0, postcode="04277", district="Süd")
    add_signatures(app, petition_id, 1, days_ago=0, postcode="99084", district=None)
    _paper(app, petition_id, 4, 4, districts={"Süd": 3}, days_ago=2)
    with app.app_context():
        days = counts.by_day(petition_id)
        districts = counts.by_district(petition_id)
    assert [(d.online, d.paper) for d in days] == [(3, 4), (2, 0)]
    assert days[1].day - days[0].day == timedelta(days=2)
    assert [(d.district, d.online, d.paper) for d in districts] == [
        ("Süd", 1, 3), ("Mitte", 3, 0), (None, 1, 1),
    ]


def test_names_appear_as_their_signers_chose(app, petition_factory):
    petition_id = petition_factory()
    add_signatures(app, petition_id, 1, name_shown=NameShown.FULL)
    add_signatures(app, petition_id, 1, name_shown=NameShown.INITIALS)
    add_signatures(app, petition_id, 1, name_shown=NameShown.HIDDEN)
    with app.app_context():
        names = counts.shown_names(petition_id)
    assert len(names) == 2
    assert any(name.startswith("Erika Muster ") for name in names)
    assert "E. M." in " ".join(names)
    assert not any("Muster" in name for name in names if name.startswith("E."))


def test_the_deadline_measures_the_quorum_by_signers_of_the_city_and_paper_lists(app, petition_factory):
    from participation.petitions import services
    from participation.petitions.models import Petition, PetitionState

    past = {"closes_at": utcnow() - timedelta(minutes=1)}
    by_paper = petition_factory(quorum=10, **past)
    add_signatures(app, by_paper, 4)
    _paper(app, by_paper, 6, 6)
    from_outside = petition_factory(quorum=10, **past)
    add_signatures(app, from_outside, 9)
    add_signatures(app, from_outside, 5, postcode="10115", district=None)
    with app.test_request_context():
        services.close_due()
        db.session.commit()
        assert db.session.get(Petition, by_paper).state == PetitionState.AWAITING_RESPONSE
        assert db.session.get(Petition, from_outside).state == PetitionState.CLOSED
