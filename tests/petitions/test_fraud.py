"""The staff's fraud overview: signatures by IP range and by domain, the unusual ones marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import fraud
from participation.petitions.models import PetitionState, Signature
from tests.petitions.conftest import add_signatures

FLOOD = "f1a2b3c4d5e6f7a8b9c0"


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _spread(app, petition_id, *, flood: int = 12, normal: int = 6):
    """`flood` signatures from one network and a throwaway domain, and `normal` from as many
    networks, each from its own domain (gmail.com for one, a big provider)."""
    flooded = add_signatures(app, petition_id, flood)
    spread = add_signatures(app, petition_id, normal)
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.id.in_(flooded))
                           .values(ip_hash=FLOOD, email_domain="wegwerf.example"))
        for number, signature_id in enumerate(spread):
            db.session.execute(update(Signature).where(Signature.id == signature_id).values(
                ip_hash=f"{number:02d}aaaaaaaaaaaaaaaaaa",
                email_domain="gmail.com" if number == 0 else f"d{number}.de"))
        db.session.commit()
    return flooded, spread


def test_groups_and_highlights_the_network_that_signs_far_more_than_the_others(app, petition_factory):
    petition_id = petition_factory(state=PetitionState.OPEN)
    _spread(app, petition_id)
    with app.app_context():
        overview = fraud.overview(petition_id, None, frozenset({"gmail.com"}))
    top = overview.ip_ranges[0]
    assert (top.key, top.label, top.signatures, top.peak, top.unusual) == (FLOOD, FLOOD[:10], 12, 12, True)
    assert all(not group.unusual and group.signatures == 1 for group in overview.ip_ranges[1:])
    domains = {group.key: group for group in overview.domains}
    assert domains["wegwerf.example"].unusual and domains["gmail.com"].common
    assert sum(count for _, count in overview.hours) == 18
    assert (overview.counted, overview.pending, overview.held, overview.invalidated) == (18, 0, 0, 0)


def test_status_counts_put_each_signature_in_one_box(app, petition_factory):
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=3)
    add_signatures(app, petition_id, 2, confirmed=False)
    add_signatures(app, petition_id, 1, held=True, held_reason="ip")
    add_signatures(app, petition_id, 1, invalidated_at=utcnow(), invalidation_reason="test", held=True)
    with app.app_context():
        assert tuple(db.session.execute(fraud.status_counts(petition_id)).one()) == (3, 2, 1, 1)


def test_the_window_leaves_older_signatures_out(app, petition_factory):
    petition_id = petition_factory(state=PetitionState.OPEN)
    add_signatures(app, petition_id, 2, days_ago=3)
    add_signatures(app, petition_id, 1)
    with app.app_context():
        since = utcnow() - timedelta(hours=24)
        assert sum(n for _, n in fraud.overview(petition_id, since, frozenset()).hours) == 1
        assert sum(n for _, n in fraud.overview(petition_id, None, frozenset()).hours) == 3


def test_a_few_grouped_queries_however_many_signatures(app, petition_factory, count_queries):
    petition_id = petition_factory(state=PetitionState.OPEN)
    _spread(app, petition_id, flood=2, normal=2)
    with app.app_context(), count_queries() as few:
        fraud.overview(petition_id, None, frozenset())
    _spread(app, petition_id, flood=30, normal=20)
    with app.app_context(), count_queries() as many:
        fraud.overview(petition_id, None, frozenset())
    assert many.count == few.count <= 7  # six reads (and SQLite's BEGIN)


def test_the_page_shows_the_groups_and_links_to_invalidating_them(app, en, login_as, petition_factory):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN)
    _spread(app, petition_id)
    add_signatures(app, petition_id, 1, held=True, held_reason="domain")
    page = en.get(f"/petitionen/{petition_id}/unterschriften?stunden=0").get_data(as_text=True)
    assert FLOOD[:10] in page and FLOOD not in page.replace(f"wert={FLOOD}", "")  # the label, not the hash
    assert 'class="row-unusual"' in page and "unusually many" in page and "wegwerf.example" in page
    assert "too many from one domain" in page and "Release held signatures" in page
    prefilled = en.get(f"/petitionen/{petition_id}/unterschriften?kriterium=ip&wert={FLOOD}")
    assert f'value="{FLOOD}"' in prefilled.get_data(as_text=True)
