"""Staff answers (the author gets a mail), open-data exports and personal data."""

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.consultations.models import Idea, Support
from participation.core import personal_data
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import support


def answer(client, consultation, idea, **data):
    page = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    return client.post(page + "/antwort", data={"csrf_token": csrf_token(client, page), **data})


def test_staff_answer_and_the_author_is_told_by_mail(
    client, app, login_as, user_factory, make_consultation, make_idea, outbox
):
    consultation = make_consultation()
    author = user_factory(name="Erika", locale="en")
    idea = make_idea(consultation, author=author)
    login_as("staff")
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert "Answer as the city" in page
    response = answer(
        client, consultation, idea, status="accepted", response="Wir prüfen einen Zebrastreifen."
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Idea, idea.id)
        assert (stored.status, stored.response) == ("accepted", "Wir prüfen einen Zebrastreifen.")
        assert stored.responded_at is not None
    [mail] = [m for m in outbox.messages if m["To"] == author.email]
    assert mail["Subject"] == "The city has answered your idea"
    body = mail.get_content()
    assert "Accepted" in body and "Zebrastreifen" in body and f"/ideen/{idea.id}" in body
    public = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert "Wir prüfen einen Zebrastreifen." in public


@pytest.mark.parametrize(
    "status,label",
    [
        ("received", "Received"),
        ("in_review", "Under review"),
        ("accepted", "Accepted"),
        ("partially_accepted", "Partially accepted"),
        ("rejected", "Rejected"),
        ("implemented", "Implemented"),
    ],
)
def test_each_of_the_six_statuses_is_stored_shown_and_mailed(
    client, app, login_as, user_factory, make_consultation, make_idea, outbox, status, label
):
    consultation = make_consultation()
    author = user_factory(locale="en")
    idea = make_idea(consultation, author=author)
    login_as("staff")
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    options = re.search(r'<select[^>]*name="status".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="([^"]+)"', options) == [
        "received",
        "in_review",
        "accepted",
        "partially_accepted",
        "rejected",
        "implemented",
    ]
    assert answer(client, consultation, idea, status=status, response="Antwort").status_code == 302
    with app.app_context():
        assert db.session.get(Idea, idea.id).status == status
    [mail] = [m for m in outbox.messages if m["To"] == author.email]
    assert f"Status: {label}" in mail.get_content()
    public = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert f'badge-status-{status}">{label}<' in public


@pytest.mark.parametrize("old_status", ["new", "archived"])
def test_statuses_outside_the_six_are_refused(
    client, app, login_as, make_consultation, make_idea, old_status
):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("staff")
    assert answer(client, consultation, idea, status=old_status, response="x").status_code == 422


def test_an_invalid_status_is_refused_and_nothing_is_sent(
    client, app, login_as, make_consultation, make_idea, outbox
):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("staff")
    response = answer(client, consultation, idea, status="wonderful", response="Text bleibt")
    assert response.status_code == 422
    assert "Text bleibt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Idea, idea.id).status == "received"
    assert outbox.messages == []


def test_residents_and_moderators_cannot_answer(client, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    for role in ("resident", "moderator"):
        login_as(role)
        assert answer(client, consultation, idea, status="accepted", response="x").status_code == 403


def test_exports_contain_ideas_but_no_personal_data(client, app, user_factory, make_consultation, make_idea):
    consultation = make_consultation()
    author = user_factory(name="Erika Mustermann")
    idea = make_idea(consultation, author=author)
    with app.app_context():
        db.session.get(Idea, idea.id).title = '=HYPERLINK("http://evil")'
        db.session.commit()
    make_idea(consultation, visibility="hidden")
    support(app, idea, user_factory())
    response = client.get(f"/beteiligung/{consultation.slug}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["supports"] == "1" and rows[0]["title"].startswith("'=")  # no formula
    assert json.loads(rows[0]["geometry"])["type"] == "Point"
    geojson = client.get(f"/beteiligung/{consultation.slug}/export.geojson")
    data = json.loads(geojson.data)
    assert len(data["features"]) == 1 and data["features"][0]["properties"]["supports"] == 1
    for body in (text, geojson.get_data(as_text=True)):
        assert "Erika" not in body and author.email not in body and "photo" not in body


def test_the_geojson_export_of_a_plan_keeps_pixels_out_of_geometry(client, make_consultation, make_idea):
    """GIS tools read `geometry` as WGS 84 (RFC 7946): pixels of a plan would land near 0°N 0°E."""
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    make_idea(consultation, lonlat=(500, 300))
    data = json.loads(client.get(f"/beteiligung/{consultation.slug}/export.geojson").data)
    [feature] = data["features"]
    assert feature["geometry"] is None
    assert feature["properties"]["plan_geometry"] == {"type": "Point", "coordinates": [500, 300]}
    assert data["properties"]["plan_coordinates"] is True
    geographic = make_consultation(title="Auf der Karte")
    make_idea(geographic)
    [feature] = json.loads(client.get(f"/beteiligung/{geographic.slug}/export.geojson").data)["features"]
    assert feature["geometry"]["type"] == "Point" and "plan_geometry" not in feature["properties"]


def test_personal_data_export_and_erasure(
    client, app, user_factory, make_consultation, make_idea, upload_storage
):
    consultation = make_consultation()
    person = user_factory()
    idea = make_idea(consultation, author=person)
    other_idea = make_idea(consultation)
    support(app, other_idea, person)
    upload_storage.save("ideas/photo.jpg", b"jpeg")
    with app.test_request_context():
        stored = db.session.get(Idea, idea.id)
        stored.photo_key = "ideas/photo.jpg"
        db.session.commit()
        user = db.session.get(User, person.id)
        sections = personal_data.export_sections(user)
        assert sections["ideas"][0]["title"].title == "Mehr Bäume"
        assert sections["idea_supports"][0]["idea"].title == "Mehr Bäume"
        account_services.delete_account(user)
        db.session.commit()
        assert db.session.scalars(select(Support).where(Support.user_id == person.id)).all() == []
        kept = db.session.get(Idea, idea.id)
        assert kept.photo_key is None and kept.title == "Mehr Bäume"
    assert not (upload_storage.root / "ideas/photo.jpg").exists()
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert "deleted user" in page
