"""The petitions API: the public list, one petition, the cacheable count."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.petitions import live_count
from participation.petitions.models import PaperList, PetitionState
from tests.petitions.conftest import add_signatures
from tests.petitions.stand_ins import ensure_petition_page

PRIVATE = [PetitionState.DRAFT, PetitionState.GATHERING, PetitionState.IN_REVIEW]


@pytest.fixture(autouse=True)
def _fresh_counts(app):
    ensure_petition_page(app)
    live_count.count_cache(app).clear()  # figures of other tests' petitions (same ids) go
    yield
    live_count.count_cache(app).clear()


def test_the_list_shows_public_petitions_only(client, petition_factory):
    shown = {
        petition_factory(state=PetitionState.OPEN, signatures=3): "open",
        petition_factory(state=PetitionState.CLOSED): "closed",
        petition_factory(state=PetitionState.ANSWERED): "answered",
        petition_factory(state=PetitionState.AWAITING_RESPONSE): "awaiting_response",
        petition_factory(state=PetitionState.REJECTED, rejection_reason="not_municipal"): "rejected",
    }
    for state in PRIVATE:
        petition_factory(state=state, signatures=1)
    body = client.get("/api/v1/petitions").get_json()
    assert {item["id"]: item["state"] for item in body["petitions"]} == shown
    assert body["total"] == 5 and body["next"] is None and body["previous"] is None
    [open_one] = [item for item in body["petitions"] if item["state"] == "open"]
    assert open_one == {
        "id": open_one["id"], "title": "Mehr Bänke im Clara-Zetkin-Park", "state": "open",
        "signature_count": 3, "url": f"http://localhost/petitionen/{open_one['id']}",
    }


def test_the_list_comes_in_pages_and_by_state(client, petition_factory):
    ids = [petition_factory() for _ in range(3)]
    petition_factory(state=PetitionState.CLOSED)
    first = client.get("/api/v1/petitions?per_page=2&state=open").get_json()
    assert [item["id"] for item in first["petitions"]] == [ids[2], ids[1]]  # newest first
    assert first["total"] == 3
    assert first["next"] == "http://localhost/api/v1/petitions?page=2&per_page=2&state=open"
    second = client.get(first["next"]).get_json()
    assert [item["id"] for item in second["petitions"]] == [ids[0]]
    assert second["next"] is None and second["previous"].endswith("page=1&per_page=2&state=open")


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=101", "state=draft", "state=in_review"])
def test_malformed_list_queries_are_problems(client, query):
    response = client.get(f"/api/v1/petitions?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_rejected_for_hiding_reasons_keep_only_their_reason(client, petition_factory):
    hidden = petition_factory(state=PetitionState.REJECTED, rejection_reason="personal_data",
                              rejection_explanation="Enthält die Adresse von Frau X.", visibility="hidden")
    visible = petition_factory(state=PetitionState.REJECTED, rejection_reason="no_request",
                               rejection_explanation="Was soll der Rat tun?")
    titles = {item["id"]: item["title"] for item in client.get("/api/v1/petitions").get_json()["petitions"]}
    assert titles == {hidden: None, visible: "Mehr Bänke im Clara-Zetkin-Park"}
    body = client.get(f"/api/v1/petitions/{hidden}").get_json()
    assert {k: body[k] for k in ("title", "request", "background", "creator", "geometry")} == dict.fromkeys(
        ("title", "request", "background", "creator", "geometry"))
    assert body["rejection"] == {"reason": "personal_data", "explanation": None, "duplicate_of": None}
    assert client.get(f"/api/v1/petitions/{visible}").get_json()["rejection"] == {
        "reason": "no_request", "explanation": "Was soll der Rat tun?", "duplicate_of": None}


def test_a_duplicate_links_the_petition_it_duplicates(client, petition_factory):
    original = petition_factory()
    duplicate = petition_factory(state=PetitionState.REJECTED, rejection_reason="duplicate",
                                 rejection_explanation="Gibt es schon.", duplicate_of_id=original)
    rejection = client.get(f"/api/v1/petitions/{duplicate}").get_json()["rejection"]
    assert rejection["duplicate_of"] == f"http://localhost/petitionen/{original}"


def test_one_petition_with_its_counts(client, app, petition_factory, user_factory):
    author = user_factory(name="Clara Park")
    petition_id = petition_factory(author=author, quorum=10, response="Der Rat stimmt zu.",
                                   response_url="https://ratsinfo.leipzig.de/v/1")
    add_signatures(app, petition_id, 3, district="Süd")
    add_signatures(app, petition_id, 1, district="Mitte", days_ago=2)
    add_signatures(app, petition_id, 2, postcode="10115", district=None)  # Berlin: outside
    add_signatures(app, petition_id, 1, confirmed=False)  # not counted before its confirmation
    with app.app_context():
        db.session.add(PaperList(petition_id=petition_id, signatures=5, in_municipality=4,
                                 districts={"Süd": 2}))
        db.session.commit()
    body = client.get(f"/api/v1/petitions/{petition_id}").get_json()
    assert body["title"] == "Mehr Bänke im Clara-Zetkin-Park" and body["creator"] == "Clara Park"
    assert body["request"].startswith("Die Stadt stellt") and body["district"] == "Süd"
    figures = {k: body[k] for k in ("signature_count", "for_quorum", "signatures_in_municipality",
                                    "signatures_outside", "online_signatures", "paper_signatures", "quorum")}
    assert figures == {"signature_count": 11, "for_quorum": 8, "signatures_in_municipality": 8,
                       "signatures_outside": 3, "online_signatures": 6, "paper_signatures": 5, "quorum": 10}
    districts = {row["district"]: row["total"] for row in body["by_district"]}
    assert districts == {"Süd": 5, "Mitte": 1, None: 5}  # Berlin and paper without district: unknown
    assert sum(day["total"] for day in body["by_day"]) == 11 and len(body["by_day"]) == 2
    assert body["response"] == "Der Rat stimmt zu." and body["response_url"].startswith("https://")
    assert body["opened_at"].endswith("Z") and body["closed_at"] is None
    assert body["count_url"] == f"http://localhost/api/v1/petitions/{petition_id}/count"


@pytest.mark.parametrize("state", PRIVATE)
def test_unpublished_petitions_do_not_exist_for_the_api(client, login_as, petition_factory, state):
    author = login_as("resident")
    petition_id = petition_factory(state=state, author=author, signatures=2)
    for url in (f"/api/v1/petitions/{petition_id}", f"/api/v1/petitions/{petition_id}/count"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_the_count_is_cacheable(client, petition_factory):
    petition_id = petition_factory(signatures=4, quorum=100)
    response = client.get(f"/api/v1/petitions/{petition_id}/count")
    body = response.get_json()
    assert {k: body[k] for k in ("id", "signature_count", "for_quorum", "quorum")} == {
        "id": petition_id, "signature_count": 4, "for_quorum": 4, "quorum": 100}
    assert body["updated_at"].endswith("Z")
    assert response.headers["Cache-Control"] == "public, max-age=1"
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    unchanged = client.get(f"/api/v1/petitions/{petition_id}/count", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag and unchanged.headers["Cache-Control"] == "public, max-age=1"
    other = client.get(f"/api/v1/petitions/{petition_id}/count", headers={"If-None-Match": 'W/"count-0"'})
    assert other.status_code == 200


def test_a_cached_count_costs_no_query(client, app, petition_factory, count_queries, monkeypatch):
    monkeypatch.setattr(live_count.count_cache(app), "clock", lambda: 1000.0)  # time stands still
    petition_id = petition_factory(signatures=2)
    client.get(f"/api/v1/petitions/{petition_id}/count")
    with app.app_context():
        queries = count_queries().__enter__()  # listens on the engine; the requests need no context
    try:
        for _ in range(5):
            assert client.get(f"/api/v1/petitions/{petition_id}/count").get_json()["signature_count"] == 2
    finally:
        with app.app_context():
            queries.__exit__(None, None, None)
    assert queries.count == 0


def test_the_site_quorum_applies_without_a_petitions_own(client, app, petition_factory):
    petition_id = petition_factory()
    site = app.extensions["settings"].petition_quorum
    assert client.get(f"/api/v1/petitions/{petition_id}/count").get_json()["quorum"] == site


def test_the_document_describes_the_petition_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = set(document["paths"])
    assert {"/petitions", "/petitions/{petition_id}", "/petitions/{petition_id}/count"} <= paths
    assert {"/consultations", "/consultations/{slug}"} <= set(document["paths"])  # one document for all
    assert {"Petition", "PetitionDetail", "PetitionCount", "Consultation", "Problem"} <= set(
        document["components"]["schemas"])


def test_the_fast_path_and_the_route_answer_alike(client, petition_factory):
    petition_id = petition_factory(signatures=3)
    fast = client.get(f"/api/v1/petitions/{petition_id}/count")
    routed = client.get(f"/api/v1/petitions/{petition_id}/count?via=flask")  # a query goes through Flask
    assert fast.get_json() == routed.get_json()
    assert fast.headers["ETag"] == routed.headers["ETag"]
    assert fast.headers["Cache-Control"] == routed.headers["Cache-Control"]
    assert fast.headers["X-Content-Type-Options"] == "nosniff"
    assert "Vary" not in fast.headers  # nothing of the cookie goes into it
    head = client.head(f"/api/v1/petitions/{petition_id}/count")
    assert head.status_code == 200 and head.headers["ETag"] == fast.headers["ETag"]
