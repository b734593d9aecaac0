"""GeoJSON API: filters, the feature cap, plan positions, JSON errors and the OpenAPI description."""

import json

import jsonschema_rs
import pytest
from flask_caching.backends import SimpleCache

from participation.consultations import queries
from participation.consultations.models import Category, Consultation, Idea, Support
from participation.extensions import cache, db
from tests.consultations.conftest import first_category


def features(client, consultation, query=""):
    response = client.get(f"/api/v1/consultations/{consultation.slug}/ideas.geojson{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return response.get_json()


def test_consultations_list_shows_public_ones_only(client, make_consultation, make_idea):
    open_one = make_consultation(title="Offen")
    make_consultation(state="draft", title="Entwurf")
    make_idea(open_one)
    make_idea(open_one, visibility="hidden")
    data = client.get("/api/v1/consultations").get_json()
    assert [c["slug"] for c in data["consultations"]] == ["offen"]
    assert data["consultations"][0]["ideas"] == 1
    assert data["consultations"][0]["plan_coordinates"] is False
    detail = client.get("/api/v1/consultations/offen").get_json()
    assert detail["area"]["type"] == "Polygon"
    assert [c["name"] for c in detail["categories"]] == ["Verkehr", "Grün"]


def test_ideas_as_geojson_without_personal_data(client, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    author = user_factory(name="Erika Mustermann")
    idea = make_idea(consultation, author=author)
    make_idea(consultation, visibility="hidden")
    data = features(client, consultation)
    assert data["type"] == "FeatureCollection"
    assert {k: data["properties"][k] for k in ("total", "clustered", "plan_coordinates")} == {
        "total": 1, "clustered": False, "plan_coordinates": False}
    # colours and labels travel once per answer, not once per idea
    assert [c["name"] for c in data["properties"]["categories"].values()] == ["Verkehr", "Grün"]
    assert data["properties"]["status_labels"]["received"] == "Received"
    german = client.get(f"/api/v1/consultations/{consultation.slug}/ideas.geojson",
                        headers={"Accept-Language": "de"}).get_json()
    assert german["properties"]["status_labels"]["received"] == "Eingegangen"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [12.325, 51.33]}
    assert feature["properties"]["url"].endswith(f"/ideen/{idea.id}")
    assert set(feature["properties"]) >= {"id", "title", "category", "status", "supports", "created", "url"}
    assert feature["properties"]["created"] == idea.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "Erika" not in str(data) and author.email not in str(data)


def test_a_listed_idea_reads_as_written_with_its_category_and_supports(
    client, app, make_consultation, make_idea, user_factory
):
    consultation = make_consultation()
    category = first_category(app, consultation)
    # printf() and format() take no text of the title
    title = 'Radweg "Jahnallee" \\ zu 100 %s%% sicher – für alle 🚲'
    idea = make_idea(consultation, title=title, category=category, status="accepted")
    plain = make_idea(consultation, lonlat=(12.33, 51.331))
    with app.test_request_context():
        db.session.add_all(Support(idea_id=idea.id, user_id=user_factory().id) for _ in range(2))
        db.session.commit()
    data = features(client, consultation)
    by_id = {feature["id"]: feature for feature in data["features"]}
    assert [feature["id"] for feature in data["features"]] == sorted([idea.id, plain.id])
    assert by_id[idea.id] == {
        "type": "Feature",
        "id": idea.id,
        "geometry": {"type": "Point", "coordinates": [12.325, 51.33]},
        "properties": {
            "id": idea.id, "cluster": False, "title": title, "category": category.name,
            "category_id": category.id, "status": "accepted", "supports": 2,
            "created": idea.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": f"/beteiligung/{consultation.slug}/ideen/{idea.id}",
        },
    }
    plain_properties = by_id[plain.id]["properties"]
    assert plain_properties["category"] is None and plain_properties["category_id"] is None
    assert plain_properties["supports"] == 0


def test_bbox_category_and_status_filters(client, app, make_consultation, make_idea):
    consultation = make_consultation()
    category = first_category(app, consultation)
    west = make_idea(consultation, lonlat=(12.322, 51.33), category=category)
    east = make_idea(consultation, lonlat=(12.338, 51.33), status="accepted")
    line = make_idea(
        consultation, geometry={"type": "LineString", "coordinates": [[12.321, 51.321], [12.339, 51.322]]}
    )

    def ids(query):
        return sorted(f["id"] for f in features(client, consultation, query)["features"])

    assert ids("?bbox=12.320,51.325,12.330,51.335") == [west.id]
    assert ids("?bbox=12.335,51.320,12.340,51.335") == sorted([east.id, line.id])  # the line's box reaches in
    assert ids(f"?category={category.id}") == [west.id]
    assert ids("?status=accepted&status=received") == sorted([west.id, east.id, line.id])
    assert ids("?status=accepted") == [east.id]
    assert ids("?bbox=12.330,51.335,12.320,51.325") == []  # west east of east: an empty box
    assert ids("?plan_bbox=0,0,100000,100000") == []  # pixels: no idea of a map lies on a plan


@pytest.mark.parametrize("query", [
    "bbox=1,2,3", "bbox=", "bbox=181,0,182,1", "bbox=0,-91,1,0", "bbox=nan,0,1,1", "bbox=1e1,0,20,1",
    "bbox=%2B1,0,2,1", "bbox=1,2,3,4%00", "plan_bbox=1,2,3", "plan_bbox=0,0,100000000,1",
    "category=%C2%B2", "category=0", "category=abc", f"category={2**64}", f"category={2**31}", "status=bogus",
])
def test_filters_not_of_the_documented_form_get_a_json_400(client, make_consultation, query):
    consultation = make_consultation()
    response = client.get(f"/api/v1/consultations/{consultation.slug}/ideas.geojson?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400


def test_api_errors_are_problem_documents(client, make_consultation):
    consultation = make_consultation(state="draft")
    for path in ("/api/v1/gibt-es-nicht", f"/api/v1/consultations/{consultation.slug}",
                 "/api/v1/consultations/gibt-es-nicht/ideas.geojson", f"/api/v1/consultations/{2**70}",
                 "/api/v1/consultations/UPPER%20case"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert {k: problem[k] for k in ("type", "title", "status")} == {
            "type": "about:blank", "title": "Not Found", "status": 404}
        assert problem["detail"]
    not_allowed = client.post("/api/v1/consultations")
    assert not_allowed.status_code == 405
    assert set(not_allowed.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert not_allowed.get_json()["title"] == "Method Not Allowed"


def test_a_405_page_names_the_allowed_methods(client):
    response = client.post("/impressum")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.mimetype == "text/html"


def test_the_whole_area_view_is_clustered_beyond_the_cap(
    client, app, make_consultation, monkeypatch, user_factory
):
    consultation = make_consultation()
    author = user_factory()
    with app.app_context():
        for i in range(60):
            idea = Idea(
                consultation_id=consultation.id,
                author_id=author.id,
                title=f"Idee {i}",
                body="x",
                kind="point",
            )
            idea.set_geometry(
                {"type": "Point", "coordinates": [12.321 + (i % 10) * 0.0015, 51.321 + (i // 10) * 0.002]}
            )
            db.session.add(idea)
        db.session.commit()
    monkeypatch.setattr(queries, "CLUSTER_ABOVE", 50)
    monkeypatch.setattr(queries, "CLUSTER_GRID", 5)
    data = features(client, consultation)
    assert data["properties"]["clustered"] is True and data["properties"]["total"] == 60
    assert len(data["features"]) <= 25
    assert sum(f["properties"]["count"] for f in data["features"]) == 60
    assert all(f["properties"]["cluster"] for f in data["features"])
    zoomed = features(client, consultation, "?bbox=12.320,51.320,12.324,51.324")
    assert zoomed["properties"]["clustered"] is False
    assert len(zoomed["features"]) < 50


def test_the_real_cap_is_two_thousand_and_busy_views_cluster_above_one_hundred_fifty():
    assert queries.MAX_FEATURES == 2000
    assert queries.CLUSTER_ABOVE == 150
    assert queries.CLUSTER_GRID**2 <= queries.MAX_FEATURES


def test_plan_positions_are_not_passed_off_as_wgs84(client, make_consultation, make_idea):
    """RFC 7946 geometries are longitude/latitude: pixels of a plan go to plan_geometry."""
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    idea = make_idea(consultation, lonlat=(500, 300))
    make_idea(consultation, lonlat=(900, 600))
    data = features(client, consultation, "?plan_bbox=400,200,600,400")
    assert data["properties"]["plan_coordinates"] is True
    [feature] = data["features"]
    assert feature["id"] == idea.id and feature["geometry"] is None
    assert feature["properties"]["plan_geometry"] == {"type": "Point", "coordinates": [500, 300]}
    assert features(client, consultation, "?bbox=0,0,10,10")["features"] == []  # degrees: none on a plan
    assert len(features(client, consultation)["features"]) == 2


def test_plan_clusters_carry_their_position_in_properties(
    client, make_consultation, make_idea, monkeypatch
):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    for x in (100, 110, 800):
        make_idea(consultation, lonlat=(x, 300))
    monkeypatch.setattr(queries, "CLUSTER_ABOVE", 2)
    data = features(client, consultation)
    assert data["properties"]["clustered"] is True
    assert all(f["geometry"] is None for f in data["features"])
    assert all(f["properties"]["plan_geometry"]["type"] == "Point" for f in data["features"])


def test_ideas_and_clusters_each_match_exactly_one_schema(
    client, app, make_consultation, make_idea, monkeypatch
):
    document = client.get("/api/v1/openapi.json").get_json()

    def branches(feature) -> list[str]:
        return [name for name in ("Idea", "Cluster") if jsonschema_rs.validator_for(
            {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        ).is_valid(feature)]

    consultation = make_consultation()
    for lon in (12.321, 12.322, 12.338):
        make_idea(consultation, lonlat=(lon, 51.33))
    [idea] = features(client, consultation, "?bbox=12.337,51.32,12.339,51.34")["features"]
    assert branches(idea) == ["Idea"]
    monkeypatch.setattr(queries, "CLUSTER_ABOVE", 2)
    clusters = features(client, consultation)["features"]
    assert clusters and all(branches(cluster) == ["Cluster"] for cluster in clusters)


def test_openapi_describes_the_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/consultations", "/consultations/{slug}", "/consultations/{slug}/ideas.geojson"} <= set(
        document["paths"]
    )
    ideas_path = document["paths"]["/consultations/{slug}/ideas.geojson"]["get"]
    params = {p["name"]: p for p in ideas_path["parameters"]}
    assert {"bbox", "plan_bbox", "category", "status"} <= set(params)
    assert params["bbox"]["schema"]["pattern"] == f"^{queries.BBOX_PATTERN}$"  # the pattern the API checks
    assert params["category"]["schema"]["items"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert set(ideas_path["responses"]) == {"200", "304", "400", "404"}
    [status] = [
        p
        for p in document["paths"]["/consultations/{slug}/ideas.geojson"]["get"]["parameters"]
        if p["name"] == "status"
    ]
    assert status["schema"]["items"]["enum"] == [
        "received",
        "in_review",
        "accepted",
        "partially_accepted",
        "rejected",
        "implemented",
    ]
    state = document["components"]["schemas"]["Consultation"]["properties"]["state"]
    assert state["enum"] == ["draft", "open", "closed", "evaluated"]  # staff see drafts too


def test_lines_and_areas_reaching_into_the_bbox_are_found(client, make_consultation, make_idea):
    """A box finds every idea that overlaps it, also those that start far west of it."""
    consultation = make_consultation()
    long_line = make_idea(consultation, geometry={
        "type": "LineString", "coordinates": [[12.3215, 51.33], [12.3305, 51.33]]})
    wide_area = make_idea(consultation, geometry={"type": "Polygon", "coordinates": [[
        [12.321, 51.329], [12.3305, 51.329], [12.3305, 51.331], [12.321, 51.331], [12.321, 51.329]]]})
    make_idea(consultation, lonlat=(12.3295, 51.33))  # west of the box: not found
    found = features(client, consultation, "?bbox=12.330,51.325,12.335,51.335")["features"]
    assert sorted(f["id"] for f in found) == sorted([long_line.id, wide_area.id])


def test_the_map_answer_follows_a_renamed_category_and_a_consultation_turned_draft(
    client, app, monkeypatch, make_consultation, make_idea
):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())  # versions that move on
    consultation = make_consultation()
    category = first_category(app, consultation)
    make_idea(consultation, category=category)
    [feature] = features(client, consultation, "?bbox=12.3,51.3,12.4,51.4")["features"]
    assert feature["properties"]["category"] == category.name
    with app.test_request_context():
        db.session.get(Category, category.id).name = "Radverkehr"
        db.session.commit()
    answer = features(client, consultation, "?bbox=12.3,51.3,12.4,51.4")
    assert answer["features"][0]["properties"]["category"] == "Radverkehr"
    assert answer["properties"]["categories"][str(category.id)]["name"] == "Radverkehr"
    with app.test_request_context():
        db.session.get(Consultation, consultation.id).state = "draft"
        db.session.commit()
    assert client.get(f"/api/v1/consultations/{consultation.slug}/ideas.geojson").status_code == 404


def test_clusters_are_kept_in_the_shared_cache_and_a_streets_list_is_not(
    client, app, monkeypatch, make_consultation, make_idea
):
    kept = SimpleCache()
    monkeypatch.setitem(app.extensions["cache"], cache, kept)
    monkeypatch.setattr(queries, "CLUSTER_ABOVE", 2)
    consultation = make_consultation()
    for i in range(4):
        make_idea(consultation, lonlat=(12.33 + i * 0.001, 51.33))
    whole = features(client, consultation)
    assert whole["properties"]["clustered"] is True
    street = features(client, consultation, "?bbox=12.3295,51.3295,12.3305,51.3305")
    assert street["properties"]["clustered"] is False and len(street["features"]) == 1
    answers = [key for key in kept._cache if key.startswith("ideas-geojson:")]
    assert len(answers) == 1  # the clusters
    assert json.loads(kept.get(answers[0]))["properties"]["clustered"] is True
