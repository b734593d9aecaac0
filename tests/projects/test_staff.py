"""Staff write projects: fields, milestones, location, images and updates; nobody else may."""

import io

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import select

from participation.extensions import db
from participation.notifications.models import Notification
from participation.projects.models import STATUS_LABELS, Project, ProjectStatus
from tests.conftest import csrf_token, login

FORM = {
    "title": "Spielplatz Rabet",
    "summary": "Ein neuer Spielplatz im Rabet.",
    "body": "Mit *Wasserspiel*.",
    "status": "planned",
    "district": "Ost",
    "topic": "green",
    "kind": "polygon",
    "positions": "51.3440, 12.3960\n51.3440, 12.4000\n51.3420, 12.4000\n51.3420, 12.3960",
    "budget_eur": "480000",
    "milestones": "2026-04-01 | Beteiligung der Kinder | done\n2027-06-01 | Eröffnung",
    "council_papers": "VII-DS-04711",
    "contact_name": "Amt für Stadtgrün und Gewässer",
    "contact_email": "stadtgruen@leipzig.de",
    "published": "y",
}


def _project(app, slug="spielplatz-rabet"):
    with app.app_context():
        project = db.session.scalar(select(Project).where(Project.slug == slug))
        if project is not None:
            project.milestones, project.images  # noqa: B018 - load before the context ends
        return project


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_only_staff_reach_the_project_pages_for_staff(client, login_as, make_project, role):
    project = make_project()
    login_as(role)
    assert client.get("/staff/projekte").status_code == 403
    assert client.get(f"/staff/projekte/{project.slug}").status_code == 403
    token = csrf_token(client, "/barrierefreiheit")
    assert (
        client.post(
            f"/staff/projekte/{project.slug}/updates",
            data={"csrf_token": token, "update-title": "x", "update-body": "y"},
        ).status_code
        == 403
    )


def test_staff_create_a_project_with_milestones_and_an_area(client, app, login_as):
    login_as("staff")
    assert client.get("/staff/projekte/neu").status_code == 200
    response = client.post(
        "/staff/projekte/neu", data={"csrf_token": csrf_token(client, "/staff/projekte/neu"), **FORM}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    project = _project(app)
    assert project.published and project.budget_eur == 480000 and project.district == "Ost"
    assert [(m.title, m.done) for m in project.milestones] == [
        ("Beteiligung der Kinder", True),
        ("Eröffnung", False),
    ]
    assert project.geometry["type"] == "Polygon" and project.min_lon == pytest.approx(12.396)
    edit = client.get("/staff/projekte/spielplatz-rabet").get_data(as_text=True)
    assert "2026-04-01 | Beteiligung der Kinder | done" in edit


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("milestones", "im Frühling | Start", "Line 1: please start with a date like 2026-03-01."),
        ("milestones", "2026-01-01 |", "Line 1: the milestone needs a title."),
        ("positions", "51.3, 12.3\n51.4, 12.4", "An area needs at least three different corners."),
        ("title", "", "Please fill in this field."),
    ],
)
def test_bad_input_keeps_the_form_and_says_what_is_wrong(client, app, login_as, field, value, message):
    login_as("staff")
    data = {**FORM, field: value}
    response = client.post(
        "/staff/projekte/neu", data={"csrf_token": csrf_token(client, "/staff/projekte/neu"), **data}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _project(app) is None


def test_a_status_change_notifies_followers(client, app, login_as, make_project, user_factory):
    project = make_project("Sanierung Stadtbad", status="in_planning")
    follower = user_factory()
    login(client, follower)
    client.post(
        f"/folgen/project/{project.id}",
        data={"csrf_token": csrf_token(client, f"/projekte/{project.slug}"), "follow": "1"},
    )
    login_as("staff")
    form = client.get(f"/staff/projekte/{project.slug}")
    assert form.status_code == 200
    data = {
        **FORM,
        "title": "Sanierung Stadtbad",
        "status": "under_construction",
        "kind": "point",
        "positions": "51.3352, 12.3694",
        "milestones": "",
    }
    response = client.post(
        f"/staff/projekte/{project.slug}",
        data={"csrf_token": csrf_token(client, f"/staff/projekte/{project.slug}"), **data},
    )
    assert response.status_code == 302
    with app.app_context():
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == follower.id)).all()
    # The job that wrote it knows no browser: the status is told in the city's default language,
    # whichever language the member of staff used.
    with app.test_request_context(), force_locale("de"):
        assert note.kind == "status" and note.excerpt == str(STATUS_LABELS[ProjectStatus.UNDER_CONSTRUCTION])


def test_staff_post_updates_that_appear_on_the_project_page(client, app, login_as, make_project):
    project = make_project()
    login_as("staff")
    token = csrf_token(client, f"/staff/projekte/{project.slug}")
    empty = client.post(
        f"/staff/projekte/{project.slug}/updates",
        data={"csrf_token": token, "update-title": "", "update-body": ""},
    )
    assert empty.status_code == 422
    response = client.post(
        f"/staff/projekte/{project.slug}/updates",
        data={"csrf_token": token, "update-title": "Bäume gepflanzt", "update-body": "Zwölf **Linden**."},
    )
    assert response.status_code == 302
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    assert "Bäume gepflanzt" in html and "Zwölf <strong>Linden</strong>." in html


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (300, 200), (10, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 20.0, 0.0)}  # GPSInfo
    exif[0x010F] = "Kamerahersteller"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_images_are_reencoded_without_exif_and_can_be_removed(
    client, app, login_as, make_project, upload_storage
):
    project = make_project()
    login_as("staff")
    token = csrf_token(client, f"/staff/projekte/{project.slug}")
    response = client.post(
        f"/staff/projekte/{project.slug}/bilder",
        data={
            "csrf_token": token,
            "description": "Der Markt heute",
            "image": (io.BytesIO(_jpeg_with_gps()), "markt.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [image] = _project(app, project.slug).images
    stored = Image.open(io.BytesIO(upload_storage.read(image.key)))
    assert not stored.getexif()
    assert upload_storage.read(image.thumbnail_key)
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    assert 'alt="Der Markt heute"' in html
    bad = client.post(
        f"/staff/projekte/{project.slug}/bilder",
        data={"csrf_token": token, "description": "Kaputt", "image": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "The file is not an image we can read." in bad.get_data(as_text=True)
    client.post(f"/staff/projekte/{project.slug}/bilder/{image.id}/loeschen", data={"csrf_token": token})
    assert _project(app, project.slug).images == []
    with pytest.raises(FileNotFoundError):
        upload_storage.read(image.key)


def test_staff_link_consultations_that_then_appear_on_the_project_page(client, app, login_as):
    from participation.consultations.models import Consultation

    with app.app_context():
        open_one = Consultation(slug="plagwitz-am-kanal", title="Plagwitz am Kanal", state="open")
        draft = Consultation(slug="entwurf", title="Noch ein Entwurf", state="draft")
        db.session.add_all([open_one, draft])
        db.session.commit()
        open_id, draft_id = open_one.id, draft.id
    login_as("staff")
    form = client.get("/staff/projekte/neu").get_data(as_text=True)
    assert "Plagwitz am Kanal" in form and "Noch ein Entwurf" not in form
    token = csrf_token(client, "/staff/projekte/neu")
    response = client.post(
        "/staff/projekte/neu", data={"csrf_token": token, **FORM, "consultations": [open_id]}
    )
    assert response.status_code == 302
    bad = client.post("/staff/projekte/neu", data={"csrf_token": token, **FORM, "consultations": [draft_id]})
    assert bad.status_code == 422  # not one of the choices
    html = client.get("/projekte/spielplatz-rabet").get_data(as_text=True)
    assert 'href="/beteiligung/plagwitz-am-kanal"' in html
