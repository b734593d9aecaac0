"""Every staff action on a project writes one audit entry in its own transaction."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.projects.models import Project, ProjectImage
from tests.conftest import csrf_token

# The form as make_project() fills it.
SAME_AS_MADE = {
    "title": "Umgestaltung Lindenauer Markt",
    "summary": "Der Markt wird grüner.",
    "body": "Mehr **Bäume**.",
    "status": "in_planning",
    "district": "Alt-West",
    "topic": "mobility",
    "kind": "point",
    "positions": "51.3326, 12.3313",
    "budget_eur": "1250000",
    "milestones": "2026-03-01 | Bürgerversammlung | done\n2027-05-01 | Baubeginn",
    "council_papers": "VII-DS-01234",
    "contact_name": "Verkehrs- und Tiefbauamt",
    "contact_email": "vta@leipzig.de",
    "published": "y",
}


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


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def test_creating_a_project_is_logged(client, app, login_as):
    staff = login_as("staff")
    last = newest_id(app)
    url = "/staff/projekte/neu"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **SAME_AS_MADE})
    assert response.status_code == 302
    with app.app_context():
        project = db.session.scalar(select(Project))
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        staff.id, "project.created", "project", project.id
    )
    assert entry.before is None
    assert entry.after["title"] == "Umgestaltung Lindenauer Markt" and entry.after["published"] is True
    assert entry.after["milestones"] == ["2026-03-01 | Bürgerversammlung | done", "2027-05-01 | Baubeginn"]
    assert entry.after["location_bbox"] == [12.3313, 51.3326, 12.3313, 51.3326]


def test_editing_logs_only_the_changed_fields(client, app, login_as, make_project):
    project = make_project()
    staff = login_as("staff")
    url = f"/staff/projekte/{project.slug}"
    last = newest_id(app)
    data = {
        **SAME_AS_MADE,
        "status": "under_construction",
        "milestones": SAME_AS_MADE["milestones"] + " | done",
        "body": "Mehr Bäume und Bänke.",
    }
    assert client.post(url, data={"csrf_token": csrf_token(client, url), **data}).status_code == 302
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        staff.id, "project.updated", "project", project.id
    )
    milestones = ["2026-03-01 | Bürgerversammlung | done"]
    assert entry.before == {"status": "in_planning", "milestones": [*milestones, "2027-05-01 | Baubeginn"]}
    assert entry.after == {
        "status": "under_construction",
        "milestones": [*milestones, "2027-05-01 | Baubeginn | done"],
        "body_changed": True,
    }


def test_an_invalid_project_form_writes_no_entry(client, app, login_as, make_project):
    project = make_project()
    login_as("staff")
    url = f"/staff/projekte/{project.slug}"
    last = newest_id(app)
    bad_milestone = {**SAME_AS_MADE, "milestones": "im Frühling | Start"}
    assert client.post(url, data={"csrf_token": csrf_token(client, url), **bad_milestone}).status_code == 422
    no_title = {**SAME_AS_MADE, "title": ""}
    assert client.post(url, data={"csrf_token": csrf_token(client, url), **no_title}).status_code == 422
    assert entries_since(app, last) == []


def test_a_posted_update_is_logged(client, app, login_as, make_project):
    project = make_project()
    staff = login_as("staff")
    url = f"/staff/projekte/{project.slug}/updates"
    token = csrf_token(client, f"/staff/projekte/{project.slug}")
    last = newest_id(app)
    empty = client.post(url, data={"csrf_token": token, "update-title": "", "update-body": ""})
    assert empty.status_code == 422
    assert entries_since(app, last) == []
    client.post(url, data={"csrf_token": token, "update-title": "Bäume gepflanzt", "update-body": "Zwölf."})
    entry = one_entry(app, last)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        staff.id, "project.update_added", "project", project.id
    )
    assert entry.after["title"] == "Bäume gepflanzt" and entry.before is None


def test_images_added_and_removed_are_logged(client, app, login_as, make_project):
    project = make_project()
    admin = login_as("admin")
    token = csrf_token(client, f"/staff/projekte/{project.slug}")
    url = f"/staff/projekte/{project.slug}/bilder"
    last = newest_id(app)
    bad = client.post(
        url,
        data={"csrf_token": token, "description": "Kaputt", "image": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert entries_since(app, last) == []
    client.post(
        url,
        data={"csrf_token": token, "description": "Der Markt heute", "image": (io.BytesIO(png()), "m.png")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        image = db.session.scalar(select(ProjectImage))
    added = one_entry(app, last)
    assert (added.actor_id, added.action, added.object_type, added.object_id) == (
        admin.id, "project.image_added", "project", project.id
    )
    assert (added.before, added.after) == (None, {"image_id": image.id, "description": "Der Markt heute"})
    client.post(f"{url}/{image.id}/loeschen", data={"csrf_token": token})
    deleted = one_entry(app, added.id)
    assert (deleted.actor_id, deleted.action, deleted.object_type, deleted.object_id) == (
        admin.id, "project.image_deleted", "project", project.id
    )
    assert (deleted.before, deleted.after) == ({"image_id": image.id, "description": "Der Markt heute"}, None)
