"""The data export is for a person to read: a ZIP with an explanation, readable text, titles
with links, the photos themselves and values in the person's language."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from PIL import Image

from participation.comments import services as comments
from participation.consultations import services as consultations
from participation.consultations.models import Idea, Support
from participation.core import targets
from participation.extensions import db
from participation.notifications import services as notifications
from tests.conftest import csrf_token, login

AREA = {
    "type": "Polygon",
    "coordinates": [[[12.32, 51.32], [12.34, 51.32], [12.34, 51.335], [12.32, 51.335], [12.32, 51.32]]],
}


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def person_with_contributions(app, user_factory, upload_storage):
    """A German-speaking resident with an idea (photo, category, status), a support, a
    comment with a vote, a follow and a notification."""
    person = user_factory(name="Jürgen Müller", locale="de", email_address="juergen@example.org")
    with app.test_request_context():
        staff = user_factory(role="staff")
        consultation = consultations.save_consultation(
            None,
            title="Grünes Plagwitz",
            summary="Kurz",
            description="Lang",
            map_mode="geographic",
            allowed_kinds=["point"],
            area=AREA,
            keep_area=False,
            author=staff,
            results="",
        )
        consultation.state = "open"
        category = consultations.add_category(consultation, "Grünflächen", "#aa3300")
        upload_storage.save("ideas/export-test.jpg", jpeg_bytes())
        idea = Idea(
            consultation_id=consultation.id,
            author_id=person.id,
            title="Mehr Bäume für die Straße",
            body="Bitte Bäume pflanzen, damit es im Sommer kühler wird.",
            kind="point",
            status="accepted",
            category_id=category.id,
            photo_key="ideas/export-test.jpg",
            photo_description="Die Kreuzung an der Karl-Heine-Straße",
        )
        idea.set_geometry({"type": "Point", "coordinates": [12.325, 51.33]})
        db.session.add(idea)
        db.session.flush()
        db.session.add(Support(idea_id=idea.id, user_id=person.id))
        target = targets.resolve("idea", idea.id)
        notifications.set_following(person, target, True)
        comment = comments.add_comment(target, person, "Gute Idee, schön grün.", stance="for")
        other = user_factory()
        comments.vote(target, comment, other, 1)
        others_comment = comments.add_comment(target, other, "Ich bin dagegen.")
        comments.vote(target, others_comment, person, -1)
        db.session.commit()
        return person, idea.id, consultation.slug, comment.id


def export(client):
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="participation-data-')
    assert response.headers["Content-Disposition"].endswith('.zip"')
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_export_is_a_zip_to_read(app, client, person_with_contributions):
    person, idea_id, slug, comment_id = person_with_contributions
    login(client, person)
    archive = export(client)
    names = set(archive.namelist())
    assert {"README.txt", "data.html", "data.json", f"photos/idea-{idea_id}.jpg"} <= names

    raw = archive.read("data.json").decode("utf-8")
    assert "Jürgen Müller" in raw and "\\u00fc" not in raw  # umlauts as they are, not escaped
    data = json.loads(raw)
    assert data["account"]["display_name"] == "Jürgen Müller"
    with app.test_request_context(), force_locale("de"):
        accepted, resident = babel_gettext("Accepted"), babel_gettext("Resident")
        helpful, in_favour = babel_gettext("Not helpful"), babel_gettext("In favour")
    assert accepted != "Accepted"  # the catalog translates it, so the check below means something
    assert data["account"]["role"] == resident

    [idea] = data["ideas"]
    idea_url = f"http://localhost/beteiligung/{slug}/ideen/{idea_id}"
    assert idea["title"] == {"title": "Mehr Bäume für die Straße", "link": idea_url}
    assert idea["consultation"] == {
        "title": "Grünes Plagwitz",
        "link": f"http://localhost/beteiligung/{slug}",
    }
    assert idea["category"] == "Grünflächen"
    assert idea["status"] == accepted
    assert idea["photo"] == {
        "file": f"photos/idea-{idea_id}.jpg",
        "description": "Die Kreuzung an der Karl-Heine-Straße",
    }
    assert data["idea_supports"][0]["idea"]["link"] == idea_url

    [comment] = data["comments"]
    assert comment["on"] == {"title": "Mehr Bäume für die Straße", "link": idea_url}
    assert comment["link"]["link"] == f"http://localhost/kommentare/{comment_id}"
    assert comment["stance"] == in_favour
    assert data["comment_votes"][0]["vote"] == helpful
    assert data["follows"][0]["on"]["link"] == idea_url
    assert "idea/" not in raw  # no internal references like "idea/43"

    assert archive.read(f"photos/idea-{idea_id}.jpg") == client.application.extensions["upload_storage"].read(
        "ideas/export-test.jpg"
    )


def test_the_readable_page_has_links_photos_and_translated_labels(app, client, person_with_contributions):
    person, idea_id, slug, _comment_id = person_with_contributions
    login(client, person)
    html = export(client).read("data.html").decode("utf-8")
    assert '<html lang="de" dir="ltr">' in html
    idea_url = f"http://localhost/beteiligung/{slug}/ideen/{idea_id}"
    assert f'<a href="{idea_url}" dir="auto">Mehr Bäume für die Straße</a>' in html
    assert f'<img src="photos/idea-{idea_id}.jpg" alt="Die Kreuzung an der Karl-Heine-Straße">' in html
    with app.test_request_context(), force_locale("de"):
        assert babel_gettext("Accepted") in html
        assert babel_gettext("Once a day, as a digest") not in html  # this person gets mail at once
        assert babel_gettext("Immediately, one mail per event") in html


def test_the_readme_explains_the_files_in_the_persons_language(client, user_factory):
    login(client, user_factory(locale="en"))
    readme = export(client).read("README.txt").decode("utf-8")
    assert "data.html" in readme and "data.json" in readme
    assert "open it in any web browser" in readme
    assert "http://localhost/datenschutz" in readme


def test_a_missing_photo_file_is_reported_not_a_crash(app, client, person_with_contributions, upload_storage):
    person, idea_id, _slug, _comment_id = person_with_contributions
    upload_storage.delete("ideas/export-test.jpg")
    login(client, person)
    archive = export(client)
    assert f"photos/idea-{idea_id}.jpg" not in archive.namelist()
    assert f"photos/idea-{idea_id}.jpg" in archive.read("README.txt").decode("utf-8")


def test_feedback_and_settings_are_in_the_export(client, login_as):
    user = login_as("resident", locale="en")
    client.post(
        "/barrierefreiheit",
        data={
            "csrf_token": csrf_token(client, "/barrierefreiheit"),
            "message": "Der Kontrast im Kopfbereich ist zu schwach.",
        },
    )
    data = json.loads(export(client).read("data.json"))
    assert data["account"]["email"] == user.email
    assert data["account"]["notification_mail"] == "Immediately, one mail per event"
    assert data["account"]["language"] == "English"
    assert data["account"]["sign_ins"][0]["ends_at"]
    assert "password" not in json.dumps(data)
    assert data["accessibility_feedback"][0]["message"].startswith("Der Kontrast")
