"""The petition list: which petitions it names, filtered and sorted, and the home page's card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from participation.core.models import utcnow
from participation.extensions import cache, db
from participation.petitions import services
from participation.petitions.models import PaperList, Petition, PetitionState
from tests.petitions.conftest import add_signatures


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _titles(client, query: str = "") -> list[str]:
    html = client.get(f"/petitionen{query}").get_data(as_text=True)
    listed = re.search(r'<ul class="idea-list petition-list".*?</ul>', html, re.S)
    return (
        re.findall(r'<h3><a href="/petitionen/\d+" dir="auto">([^<]+)</a></h3>', listed.group(0))
        if listed
        else []
    )


def test_the_list_names_public_states_only(client, petition_factory):
    for state in PetitionState:
        petition_factory(state=state, title=f"Petition {state.value}", rejection_reason="no_request")
    listed = _titles(client)
    assert sorted(listed) == sorted(
        f"Petition {state}" for state in ("open", "awaiting_response", "answered", "closed", "rejected")
    )
    html = client.get("/petitionen").get_data(as_text=True)
    assert "5 petitions" in html and "Rejected" in html


def test_filters_by_state_and_district(client, petition_factory):
    petition_factory(title="Radweg Karl-Liebknecht-Straße", district="Süd")
    petition_factory(title="Spielplatz Grünau", district="West", state=PetitionState.CLOSED)
    assert _titles(client, "?bezirk=West") == ["Spielplatz Grünau"]
    assert _titles(client, "?status=open") == ["Radweg Karl-Liebknecht-Straße"]
    assert _titles(client, "?status=closed&bezirk=Süd") == []
    # unknown values are ignored, drafts cannot be asked for
    assert len(_titles(client, "?status=draft&bezirk=Atlantis&sortierung=nonsense")) == 2


def test_sorted_newest_most_signed_and_closing_soon(client, app, petition_factory):
    now = utcnow()
    older = petition_factory(
        title="Älter", opened_at=now - timedelta(days=20), closes_at=now + timedelta(days=3)
    )
    newer = petition_factory(
        title="Neuer", opened_at=now - timedelta(days=2), closes_at=now + timedelta(days=30)
    )
    petition_factory(title="Geschlossen", state=PetitionState.CLOSED, opened_at=now - timedelta(days=1))
    add_signatures(app, older, 2)
    add_signatures(app, newer, 1)
    with app.app_context():  # paper lists count for the order too
        db.session.add(PaperList(petition_id=newer, signatures=5, in_municipality=5))
        db.session.commit()
    assert _titles(client) == ["Geschlossen", "Neuer", "Älter"]
    assert _titles(client, "?sortierung=most_signed") == ["Neuer", "Älter", "Geschlossen"]
    assert _titles(client, "?sortierung=closing_soon") == ["Älter", "Neuer"]
    html = client.get("/petitionen?sortierung=most_signed").get_data(as_text=True)
    assert "6 signatures" in html and "2 signatures" in html


def test_the_list_pages_like_the_others(client, petition_factory):
    for number in range(23):
        petition_factory(title=f"Petition Nummer {number}")
    assert len(_titles(client)) == 20
    second = client.get("/petitionen?page=2&bezirk=Süd").get_data(as_text=True)
    assert "Page 2 of 2" in second and len(_titles(client, "?page=2")) == 3
    assert 'href="/petitionen?page=1&amp;bezirk=S%C3%BCd"' in second


def test_the_map_shows_petitions_with_a_place_and_lists_them_as_text(client, petition_factory):
    point = {"type": "Point", "coordinates": [12.3731, 51.3397]}
    petition_factory(
        title="<b>Bank</b> am Markt",
        geometry=point,
        min_lon=12.3731,
        max_lon=12.3731,
        min_lat=51.3397,
        max_lat=51.3397,
    )
    petition_factory(title="Ohne Ort")
    html = client.get("/petitionen").get_data(as_text=True)
    assert 'class="folium-map map-medium"' in html and "petitions-map.js" in html
    places = re.search(r'<ul aria-labelledby="petitions-places-heading">(.*?)</ul>', html, re.S).group(1)
    assert "&lt;b&gt;Bank&lt;/b&gt; am Markt" in places and "Ohne Ort" not in places
    assert "<b>Bank</b>" not in html  # the title is text everywhere, the marker data included
    data = re.search(r'data-petitions="([^"]*)"', html).group(1)
    assert "&#34;title&#34;: &#34;\\u003cb\\u003eBank" in data
    without = client.get("/petitionen?bezirk=West").get_data(as_text=True)
    assert "folium-map" not in without and "None of these petitions has a place on the map." in without


def test_home_card_lists_open_petitions_with_their_counts(client, app, petition_factory):
    assert "There are no open petitions at the moment." in client.get("/").get_data(as_text=True)
    few = petition_factory(title="Weniger unterschrieben")
    many = petition_factory(title="Viel unterschrieben")
    petition_factory(title="Noch im Entwurf", state=PetitionState.DRAFT)
    petition_factory(title="Schon geschlossen", state=PetitionState.CLOSED)
    add_signatures(app, few, 1)
    add_signatures(app, many, 3)
    html = client.get("/").get_data(as_text=True)
    card = re.search(
        r'<section class="card" aria-labelledby="petitions-heading">.*?</section>', html, re.S
    ).group(0)
    assert card.index("Viel unterschrieben") < card.index("Weniger unterschrieben")
    assert f'href="/petitionen/{many}"' in card and "3 signatures" in card and "1 signature" in card
    assert "Entwurf" not in card and "geschlossen" not in card


@pytest.fixture
def fragment_cache(app):
    """The in-process cache of the embedded setup (the suite itself runs without one)."""
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        cache.clear()
    yield
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})


def test_the_cached_home_card_is_dropped_when_a_petition_opens(
    client, app, petition_factory, user_factory, fragment_cache
):
    moderator = user_factory(role="moderator")
    petition_id = petition_factory(state=PetitionState.IN_REVIEW, title="Frisch geöffnet")
    assert "Frisch geöffnet" not in client.get("/").get_data(as_text=True)
    with app.test_request_context():
        services.approve(db.session.get(Petition, petition_id), moderator)
        db.session.commit()
    assert "Frisch geöffnet" in client.get("/").get_data(as_text=True)
