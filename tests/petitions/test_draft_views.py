"""Residents draft petitions: the form, its errors, the place on the map, editing, gathering
supporters and the page of their own petitions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.petitions.models import Petition, PetitionState
from tests.conftest import csrf_token, login
from tests.petitions.conftest import add_signatures
from tests.petitions.placeholder_routes import linked_routes  # noqa: F401 - autouse


@pytest.fixture(autouse=True)
def in_english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


GOOD = {
    "title": "Mehr Bänke im Clara-Zetkin-Park",
    "request": "Die Stadt stellt zwanzig neue Bänke auf.",
    "background": "Ältere Menschen finden **kaum** Gelegenheit zum Ausruhen.",
    "district": "Süd",
    "kind": "point",
    "positions": "",
}


def send(client, url, **fields):
    return client.post(url, data={"csrf_token": csrf_token(client, "/petitionen/neu"), **fields})


def petitions(app) -> list[Petition]:
    with app.app_context():
        return db.session.scalars(select(Petition).order_by(Petition.id)).all()


def test_a_resident_drafts_a_petition_that_only_they_see_listed(app, client, login_as):
    author = login_as("resident")
    page = client.get("/petitionen/neu")
    assert page.status_code == 200 and "What should the city council do?" in page.get_data(as_text=True)
    answer = send(client, "/petitionen/neu", **GOOD)
    assert answer.status_code == 302 and "/petitionen/meine" in answer.headers["Location"]
    [petition] = petitions(app)
    assert (petition.title, petition.state, petition.author_id) == (GOOD["title"], "draft", author.id)
    assert (petition.district, petition.geometry) == ("Süd", None)
    mine = client.get("/petitionen/meine").get_data(as_text=True)
    assert GOOD["title"] in mine and "Start gathering supporters" in mine


@pytest.mark.parametrize(("changed", "message"), [
    ({"title": ""}, "Please fill in this field."),
    ({"title": "x" * 151}, "Please use at most 150 characters."),
    ({"request": "   "}, "Please fill in this field."),
    ({"district": "Connewitz"}, "Not a valid choice."),
    ({"positions": "hier irgendwo"}, "Please write one position per line"),
    ({"positions": "51.33, 12.37\n51.34, 12.38", "kind": "point"}, "A point needs exactly one position."),
    ({"positions": "51.33, 12.37\n51.34, 12.38", "kind": "polygon"}, "An area needs at least three"),
    ({"positions": "48.137, 11.575"}, "Please place the petition in Leipzig."),
    ({"positions": "51.33, 12.37", "kind": "line"}, "Not a valid choice."),
])
def test_bad_input_comes_back_filled_in_and_writes_nothing(app, client, login_as, changed, message):
    login_as("resident")
    answer = send(client, "/petitionen/neu", **{**GOOD, **changed})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in page and "There is a problem" in page
    assert "Gelegenheit zum Ausruhen." in page  # what was typed is still there
    assert petitions(app) == []


def test_a_point_and_an_area_are_saved_with_their_box(app, client, login_as):
    login_as("resident")
    send(client, "/petitionen/neu", **{**GOOD, "positions": "51.3397, 12.3731"})
    send(client, "/petitionen/neu", **{
        **GOOD, "kind": "polygon", "positions": "51.31, 12.36\n51.32, 12.36\n51.32, 12.38"})
    point, area = petitions(app)
    assert point.geometry == {"type": "Point", "coordinates": [12.3731, 51.3397]}
    assert area.geometry["type"] == "Polygon" and len(area.geometry["coordinates"][0]) == 4
    assert (area.min_lat, area.max_lat, area.min_lon, area.max_lon) == (51.31, 51.32, 12.36, 12.38)
    form = client.get(f"/petitionen/{area.id}/bearbeiten").get_data(as_text=True)
    assert "51.310000, 12.360000" in form  # the area comes back into the form as typed positions


def test_the_map_input_is_on_the_form(client, login_as):
    login_as("resident")
    page = client.get("/petitionen/neu").get_data(as_text=True)
    assert 'data-placement-field="positions"' in page and "consultation-map.js" in page


def test_only_the_creator_edits_or_starts_gathering(app, client, login_as, user_factory, petition_factory):
    author = user_factory()
    petition_id = petition_factory(PetitionState.DRAFT, author=author)
    login_as("resident")
    assert client.get(f"/petitionen/{petition_id}/bearbeiten").status_code == 404
    edited = {**GOOD, "title": "Übernommen"}
    assert send(client, f"/petitionen/{petition_id}/bearbeiten", **edited).status_code == 404
    assert send(client, f"/petitionen/{petition_id}/unterstuetzer-sammeln").status_code == 404
    assert (petitions(app)[0].state, petitions(app)[0].title) == ("draft", "Mehr Bänke im Clara-Zetkin-Park")


def test_signed_out_visitors_are_asked_to_sign_in_and_unconfirmed_to_confirm(client, login_as):
    assert "/login?next=" in client.get("/petitionen/neu").headers["Location"]
    login_as("resident", confirmed=False)
    assert "/account" in client.get("/petitionen/neu").headers["Location"]


def test_the_creator_edits_the_draft(app, client, user_factory, petition_factory):
    author = user_factory()
    petition_id = petition_factory(PetitionState.DRAFT, author=author)
    login(client, author)
    form = client.get(f"/petitionen/{petition_id}/bearbeiten").get_data(as_text=True)
    assert "Mehr Bänke im Clara-Zetkin-Park" in form
    answer = send(client, f"/petitionen/{petition_id}/bearbeiten",
                  **{**GOOD, "title": "Schattige Bänke", "district": ""})
    assert answer.status_code == 302
    [petition] = petitions(app)
    assert (petition.title, petition.district) == ("Schattige Bänke", None)


def test_starting_to_gather_shows_the_private_link_and_the_supporters_so_far(
        app, client, user_factory, petition_factory):
    author = user_factory()
    petition_id = petition_factory(PetitionState.DRAFT, author=author)
    login(client, author)
    answer = send(client, f"/petitionen/{petition_id}/unterstuetzer-sammeln")
    assert answer.status_code == 302
    [petition] = petitions(app)
    assert petition.state == "gathering"
    mine = client.get("/petitionen/meine").get_data(as_text=True)
    assert f"http://localhost/petitionen/unterstuetzen/{petition.supporter_key}" in mine
    assert "0 of 3 supporters have signed." in mine
    add_signatures(app, petition_id, 2)
    assert "2 of 3 supporters have signed." in client.get("/petitionen/meine").get_data(as_text=True)


def test_once_a_supporter_signed_the_text_stays(app, client, user_factory, petition_factory):
    author = user_factory()
    petition_id = petition_factory(PetitionState.GATHERING, author=author)
    login(client, author)
    assert client.get(f"/petitionen/{petition_id}/bearbeiten").status_code == 200
    add_signatures(app, petition_id, 1, confirmed=False)  # even an unconfirmed one signed this text
    answer = client.get(f"/petitionen/{petition_id}/bearbeiten", follow_redirects=True)
    assert "Once supporters have signed, the text can no longer change." in answer.get_data(as_text=True)
    send(client, f"/petitionen/{petition_id}/bearbeiten", **{**GOOD, "title": "Anders"})
    assert petitions(app)[0].title == "Mehr Bänke im Clara-Zetkin-Park"


def test_my_page_shows_the_rejection_and_what_i_signed(app, client, user_factory, petition_factory):
    me = user_factory()
    petition_factory(PetitionState.REJECTED, author=me, rejection_reason="no_request",
                     rejection_explanation="Bitte eine konkrete Forderung nennen.")
    signed_id = petition_factory(PetitionState.OPEN, title="Radweg Karl-Liebknecht-Straße")
    add_signatures(app, signed_id, 1, user_id=me.id)
    login(client, me)
    page = client.get("/petitionen/meine").get_data(as_text=True)
    assert "Reason: No concrete request" in page and "Bitte eine konkrete Forderung nennen." in page
    assert "Radweg Karl-Liebknecht-Straße" in page and f'href="/petitionen/{signed_id}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Petition)) == 2
