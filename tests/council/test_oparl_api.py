"""The OParl 1.1 API, walked from the System object: everything it reaches validates against
the standard's schemas (../shared/oparl-1.1/schema) and the spec's stricter rules, ids answer
with the same object, lists paginate and filter, and nothing non-public ever shows."""

from __future__ import annotations

import json
from collections import Counter, deque
from datetime import timedelta
from urllib.parse import urlsplit

import jsonschema
import pytest
from sqlalchemy import update

from participation.core.models import utcnow
from participation.council import oparl_views
from participation.council.models import Organization
from participation.extensions import db
from participation.settings import PROJECT_ROOT

SCHEMA_DIR = PROJECT_ROOT.parent / "shared" / "oparl-1.1" / "schema"
BASE = "http://localhost"  # the suite's BASE_URL
API = BASE + "/oparl/1.1/"
SECRETS = ("Grundstücksangelegenheiten", "Vertrauliche Anlage", "Grundstückswerte", "anlage.pdf", "werte.pdf")


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


SCHEMAS = {path.stem: _schema(path.stem) for path in SCHEMA_DIR.glob("*.json")}
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("url")
def _is_url(value) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(document: dict, *, embedded_in: str | None = None) -> str:
    """Validate one object and everything embedded in it; returns its type name."""
    type_name = document["type"].removeprefix("https://schema.oparl.org/1.1/")
    schema = SCHEMAS[type_name]
    jsonschema.Draft7Validator(schema, format_checker=FORMATS).validate(document)
    # the spec text: created and modified on every object (OParl 1.1), embedded ones too
    assert "created" in document and "modified" in document, (embedded_in, document["id"])
    if document.get("deleted"):
        assert set(document) == {"id", "type", "created", "modified", "deleted"}
        return type_name
    for key, value in document.items():
        spec = schema["properties"].get(key, {})
        if isinstance(value, dict) and spec.get("schema"):
            assert not value.get("deleted"), f"a deleted object embedded in {document['id']}"
            validate(value, embedded_in=document["id"])
        elif isinstance(value, list) and spec.get("items", {}).get("schema"):
            for item in value:
                assert not item.get("deleted"), f"a deleted object embedded in {document['id']}"
                validate(item, embedded_in=document["id"])
    return type_name


def _get(client, url: str, **headers):
    assert url.startswith(BASE), url
    response = client.get(url.removeprefix(BASE), headers=headers)
    assert response.headers.get("Access-Control-Allow-Origin") == "*", url
    return response


def _links(value) -> list[str]:
    """Every API URL in a document, at any depth."""
    if isinstance(value, str):
        return [value] if value.startswith(API) else []
    if isinstance(value, dict):
        return [link for item in value.values() for link in _links(item)]
    if isinstance(value, list):
        return [link for item in value for link in _links(item)]
    return []


def _embedded_objects(value):
    if isinstance(value, dict):
        if "id" in value and "type" in value:
            yield value
        for item in value.values():
            yield from _embedded_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _embedded_objects(item)


def walk(client) -> tuple[Counter, dict[str, dict]]:
    """Breadth-first from the System object: (types seen, every object by id)."""
    seen_types: Counter = Counter()
    objects: dict[str, dict] = {}
    queue, visited = deque([API + "system"]), set()
    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = _get(client, url)
        if url.endswith(("/access", "/download")):
            assert response.status_code in (200, 302), url
            continue
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        text = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text, (secret, url)
        document = response.get_json()
        if "data" in document:  # an external list page
            assert set(document) == {"data", "pagination", "links"}
            assert document["links"]["self"] == url
            items = document["data"]
        else:
            assert document["id"] == url, "an object answers at its own id"
            items = [document]
        for item in items:
            seen_types[validate(item)] += 1
            for inner in _embedded_objects(item):
                objects.setdefault(inner["id"], inner)
        queue.extend(link for link in _links(document) if link not in visited)
    return seen_types, objects


def test_the_whole_api_validates_from_the_system_object(client, council):
    seen, objects = walk(client)
    assert set(seen) >= {"System", "Body", "LegislativeTerm", "Organization", "Person", "Membership",
                         "Meeting", "AgendaItem", "Paper", "Consultation", "File", "Location"}
    # every id reached, embedded or not, answers with that same object
    for object_id, embedded in objects.items():
        own = _get(client, object_id).get_json()
        assert own["id"] == object_id
        assert own["type"] == embedded["type"]
        assert own["modified"] == embedded["modified"]


def test_non_public_items_and_files_do_not_exist_for_the_api(client, council):
    for path in (f"agenda-item/{council.secret_item}", f"file/{council.secret_file}",
                 f"file/{council.secret_file}/access", f"file/{council.item_secret_file}/download"):
        response = _get(client, API + path)
        assert response.status_code == 404
        error = response.get_json()
        assert error["type"] == "https://schema.oparl.org/1.1/Error"
        assert error["message"] and error["debug"]
    items = _get(client, API + f"body/{council.body}/agenda-item").get_json()["data"]
    assert [item["id"] for item in items] == [API + f"agenda-item/{council.public_item}"]


def test_a_deleted_object_is_a_tombstone_and_only_listed_for_changes(client, council):
    tombstone = _get(client, API + f"paper/{council.deleted_paper}").get_json()
    assert tombstone["deleted"] is True and set(tombstone) == {"id", "type", "created", "modified", "deleted"}
    ids = [paper["id"] for paper in _get(client, API + f"body/{council.body}/paper").get_json()["data"]]
    assert tombstone["id"] not in ids
    since = (utcnow() - timedelta(days=1)).isoformat()
    changed = client.get(f"/oparl/1.1/body/{council.body}/paper",
                         query_string={"modified_since": since}).get_json()
    assert tombstone["id"] in [paper["id"] for paper in changed["data"]]


def test_lists_paginate_with_next_links_that_keep_the_filters(client, council, monkeypatch):
    monkeypatch.setattr(oparl_views, "ELEMENTS_PER_PAGE", 2)
    since = "2020-01-01T00:00:00+01:00"
    first = client.get(f"/oparl/1.1/body/{council.body}/organization", query_string={"created_since": since})
    page = first.get_json()
    assert page["pagination"] == {"totalElements": 3, "elementsPerPage": 2, "currentPage": 1, "totalPages": 2}
    next_url = page["links"]["next"]
    assert "created_since=2020-01-01T00:00:00%2B01:00" in next_url and next_url.endswith("page=2")
    last = _get(client, next_url).get_json()
    assert "next" not in last["links"] and last["links"]["prev"] == page["links"]["self"]
    names = [org["name"] for org in page["data"] + last["data"]]
    assert names == ["Ratsversammlung", "Fachausschuss Stadtentwicklung und Bau", "Fraktion Grünes Leipzig"]


def test_the_time_filters_narrow_the_lists(client, council, app):
    with app.app_context():
        db.session.execute(update(Organization).values(modified=utcnow() - timedelta(days=2)))
        db.session.get(Organization, council.committee).short_name = "FA Bau"  # modified: now
        db.session.commit()
    later = (utcnow() - timedelta(days=1)).isoformat()
    changed = client.get(f"/oparl/1.1/body/{council.body}/organization",
                         query_string={"modified_since": later}).get_json()["data"]
    assert [org["shortName"] for org in changed] == ["FA Bau"]
    future = (utcnow() + timedelta(days=1)).isoformat()
    assert client.get(f"/oparl/1.1/body/{council.body}/person",
                      query_string={"created_since": future}).get_json()["data"] == []
    until = client.get(f"/oparl/1.1/body/{council.body}/person",
                       query_string={"created_until": future}).get_json()["data"]
    assert len(until) == 2


def test_a_bad_filter_answers_with_an_oparl_error(client, council):
    response = client.get(f"/oparl/1.1/body/{council.body}/paper", query_string={"modified_since": "gestern"})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_json()["type"] == "https://schema.oparl.org/1.1/Error"
    assert "modified_since" in response.get_json()["message"]


def test_omit_internal_leaves_out_the_internal_lists(client, council):
    meetings = client.get(f"/oparl/1.1/body/{council.body}/meeting",
                          query_string={"omit_internal": "true"}).get_json()["data"]
    assert meetings and all("agendaItem" not in meeting for meeting in meetings)
    full = client.get(f"/oparl/1.1/body/{council.body}/meeting").get_json()["data"]
    assert any("agendaItem" in meeting for meeting in full)


def test_ids_come_from_base_url_not_from_the_host_asked(client, council):
    system = client.get("/oparl/1.1/system", headers={"Host": "evil.example"}).get_json()
    assert system["id"] == API + "system" and system["body"] == API + "body"


@pytest.mark.parametrize("path", ["/oparl/1.1/nicht-da", "/oparl/1.1/paper/999999",
                                  "/oparl/1.1/body/1/unfug"])
def test_unknown_urls_answer_with_oparl_errors(client, council, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_json()["type"] == "https://schema.oparl.org/1.1/Error"


def test_an_imported_file_is_fetched_from_its_source(client, council):
    response = client.get(f"/oparl/1.1/file/{council.public_file}/access")
    assert (response.status_code, response.headers["Location"]) == (302, "https://ratsinfo.leipzig.example/files/1.pdf")
