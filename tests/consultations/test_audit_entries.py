"""Every staff action on a consultation writes one audit entry in its own transaction."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from participation.consultations.models import Category, MapLayer
from participation.core.audit import AuditEntry
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import AREA, close_body, png_bytes


def newest_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.max(AuditEntry.id))) or 0


def entries_since(app, last_id: int) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
        found = list(db.session.scalars(query))
        for entry in found:
            db.session.expunge(entry)
        return found


def one_entry(app, last_id: int) -> AuditEntry:
    (entry,) = entries_since(app, last_id)
    return entry


def consultation_form(client, url, **data):
    base = {
        "csrf_token": csrf_token(client, url),
        "title": "Karl-Heine-Straße neu",
        "summary": "Kurz",
        "description": "Text",
        "map_mode": "geographic",
        "allowed_kinds": ["point", "line"],
    }
    base.update(data)
    return base


def test_creating_a_consultation_is_logged_without_its_geometry(client, app, login_as):
    staff = login_as("staff")
    last = newest_id(app)
    data = consultation_form(
        client,
        "/staff/beteiligung/neu",
        area_file=(io.BytesIO(json.dumps({"type": "Feature", "geometry": AREA}).encode()), "area.geojson"),
    )
    response = client.post("/staff/beteiligung/neu", data=data, content_type="multipart/form-data")
    close_body(response)
    assert response.status_code == 302
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type) == (
        staff.id, "consultation.created", "consultation"
    )
    assert entry.object_id is not None and entry.before is None
    assert entry.after["title"] == "Karl-Heine-Straße neu"
    assert entry.after["state"] == "draft" and entry.after["map_mode"] == "geographic"
    assert entry.after["area_bbox"] == [12.32, 51.32, 12.34, 51.335]
    assert "coordinates" not in json.dumps(entry.after)  # a flag and a box, never the shape


def test_editing_logs_only_the_changed_fields(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    staff = login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    last = newest_id(app)
    data = consultation_form(
        client, url, title="Plagwitz: neue Ideen", summary="Kurz", description="Lang und neu",
        allowed_kinds=["point", "line", "polygon"], starts_on="2026-05-01",
    )
    assert client.post(url, data=data).status_code == 302
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        staff.id, "consultation.updated", "consultation", consultation.id
    )
    assert entry.before == {"title": "Plagwitz Ideen", "starts_on": None}
    assert entry.after == {
        "title": "Plagwitz: neue Ideen", "starts_on": "2026-05-01", "description_changed": True
    }


def test_an_invalid_consultation_form_writes_no_entry(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    last = newest_id(app)
    assert client.post(url, data=consultation_form(client, url, title="")).status_code == 422
    new = client.post("/staff/beteiligung/neu", data=consultation_form(client, url, title=""))
    assert new.status_code == 422
    assert entries_since(app, last) == []


def test_a_change_of_state_is_logged_and_a_refused_one_is_not(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    admin = login_as("admin")
    url = f"/staff/beteiligung/{consultation.slug}"
    last = newest_id(app)
    client.post(url + "/status", data={"csrf_token": csrf_token(client, url), "target": "open"})
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        admin.id, "consultation.state_changed", "consultation", consultation.id
    )
    assert (entry.before, entry.after) == ({"state": "draft"}, {"state": "open"})
    last = entry.id
    # no results yet: publishing them is refused
    data = {"csrf_token": csrf_token(client, url), "target": "evaluated", "confirmed": "yes"}
    client.post(url + "/status", data={**data, "target": "closed"})
    last = one_entry(app, last).id
    client.post(url + "/status", data=data)
    client.post(url + "/status", data={**data, "target": "draft"})  # not a possible change
    assert entries_since(app, last) == []


def test_categories_added_and_removed_are_logged(client, app, login_as, make_consultation):
    consultation = make_consultation(categories=())
    staff = login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    last = newest_id(app)
    bad = client.post(
        url + "/kategorien", data={"csrf_token": csrf_token(client, url), "name": "X", "color": "red"}
    )
    assert bad.status_code == 422
    assert entries_since(app, last) == []
    client.post(
        url + "/kategorien",
        data={"csrf_token": csrf_token(client, url), "name": "Spielplatz", "color": "#336699"},
    )
    added = one_entry(app, last)
    assert (added.actor_id, added.action, added.object_type, added.object_id) == (
        staff.id, "category.added", "consultation", consultation.id
    )
    assert (added.before, added.after) == (None, {"category": "Spielplatz"})
    with app.app_context():
        category = db.session.scalar(select(Category))
    client.post(f"{url}/kategorien/{category.id}/loeschen", data={"csrf_token": csrf_token(client, url)})
    deleted = one_entry(app, added.id)
    assert (deleted.actor_id, deleted.action, deleted.object_type, deleted.object_id) == (
        staff.id, "category.deleted", "consultation", consultation.id
    )
    assert (deleted.before, deleted.after) == ({"category": "Spielplatz"}, None)


def test_layers_added_and_removed_are_logged(client, app, login_as, make_consultation):
    consultation = make_consultation()
    staff = login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    last = newest_id(app)

    def image_layer(**extra):
        data = {
            "csrf_token": csrf_token(client, url),
            "name": "Luftbild",
            "kind": "image",
            "opacity": "0.8",
            "description": "Luftbild von Plagwitz mit dem Karl-Heine-Kanal",
            "image": (io.BytesIO(png_bytes()), "luftbild.png"),
            "south": "51.32", "west": "12.32", "north": "51.335", "east": "12.34",
        }
        data.update(extra)
        response = client.post(url, data=data, content_type="multipart/form-data")
        close_body(response)
        return response

    assert image_layer(north="").status_code == 422  # a corner missing
    assert entries_since(app, last) == []
    assert image_layer().status_code == 302
    image = one_entry(app, last)
    assert (image.actor_id, image.action, image.object_type, image.object_id) == (
        staff.id, "layer.added", "consultation", consultation.id
    )
    assert (image.before, image.after) == (None, {"layer": "Luftbild", "kind": "image"})
    service = client.post(url, data={
        "csrf_token": csrf_token(client, url), "name": "Stadtplan", "kind": "xyz", "opacity": "1",
        "url": "/tiles/{z}/{x}/{y}.png",
    })
    assert service.status_code == 302
    added = one_entry(app, image.id)
    assert (added.action, added.after) == ("layer.added", {"layer": "Stadtplan", "kind": "xyz"})
    with app.app_context():
        layer = db.session.scalar(select(MapLayer).where(MapLayer.name == "Luftbild"))
    client.post(f"{url}/{layer.id}/loeschen", data={"csrf_token": csrf_token(client, url)})
    deleted = one_entry(app, added.id)
    assert (deleted.actor_id, deleted.action, deleted.object_type, deleted.object_id) == (
        staff.id, "layer.deleted", "consultation", consultation.id
    )
    assert (deleted.before, deleted.after) == ({"layer": "Luftbild", "kind": "image"}, None)


def test_an_answer_to_an_idea_is_logged(client, app, login_as, make_consultation, make_idea, outbox):
    consultation = make_consultation()
    idea = make_idea(consultation)
    staff = login_as("staff")
    page = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    last = newest_id(app)
    bad = client.post(page + "/antwort", data={"csrf_token": csrf_token(client, page), "status": "nonsense"})
    assert bad.status_code == 422
    assert entries_since(app, last) == []
    client.post(page + "/antwort", data={
        "csrf_token": csrf_token(client, page), "status": "accepted", "response": "Wir prüfen es.",
    })
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        staff.id, "idea.answered", "idea", idea.id
    )
    assert entry.before == {"status": "received", "response": None}
    assert entry.after == {"status": "accepted", "response": "Wir prüfen es."}


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_exports_are_logged_for_staff_only(client, app, login_as, make_consultation, make_idea, fmt):
    consultation = make_consultation()
    make_idea(consultation)
    url = f"/beteiligung/{consultation.slug}/export.{fmt}"
    last = newest_id(app)
    assert client.get(url).status_code == 200  # anonymous: open data, no staff action
    login_as("resident")
    assert client.get(url).status_code == 200
    assert entries_since(app, last) == []
    admin = login_as("admin")
    last = newest_id(app)
    assert client.get(url).status_code == 200
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        admin.id, "consultation.exported", "consultation", consultation.id
    )
    assert (entry.before, entry.after) == (None, {"format": fmt})


def test_the_admin_log_shows_the_new_actions_by_name(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    login_as("admin")
    url = f"/staff/beteiligung/{consultation.slug}"
    client.post(url + "/status", data={"csrf_token": csrf_token(client, url), "target": "open"})
    page = client.get("/admin/audit-log").get_data(as_text=True)
    assert "Consultation state changed" in page
