"""The participation period: an open consultation takes ideas only between its first and last day."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.consultations.models import Consultation, Idea, MapLayer
from participation.core.locale import city_today
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import INSIDE


def _set_period(app, consultation, starts_in=None, ends_in=None):
    with app.test_request_context():
        today = city_today()
        item = db.session.get(Consultation, consultation.id)
        item.starts_on = today + timedelta(days=starts_in) if starts_in is not None else None
        item.ends_on = today + timedelta(days=ends_in) if ends_in is not None else None
        db.session.commit()


def _idea_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Idea))


def _post_idea(client, slug):
    url = f"/beteiligung/{slug}/ideen/neu"
    return client.post(url, data={
        "csrf_token": csrf_token(client, f"/beteiligung/{slug}"), "title": "Eine Bank am Ufer",
        "body": "Zum Ausruhen.", "kind": "point", "positions": f"{INSIDE[0]}, {INSIDE[1]}",
    })


@pytest.mark.parametrize("starts_in,ends_in,takes_ideas,shown", [
    (-3, 3, True, "Period: "),
    (None, 0, True, "Period: until "),          # the last day counts in full
    (2, 10, False, "Ideas can be added from "),
    (-10, -1, False, "The period for ideas ended on "),
])
def test_ideas_are_taken_only_within_the_period(
    client, app, login_as, make_consultation, starts_in, ends_in, takes_ideas, shown
):
    consultation = make_consultation()
    _set_period(app, consultation, starts_in, ends_in)
    login_as("resident")
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert shown in page
    assert ("Add an idea" in page) is takes_ideas
    response = _post_idea(client, consultation.slug)
    assert (response.status_code == 302) is takes_ideas
    assert _idea_count(app) == (1 if takes_ideas else 0)
    listed = client.get("/beteiligung").get_data(as_text=True)
    assert ("Open for ideas" in listed) is takes_ideas
    api = client.get(f"/api/v1/consultations/{consultation.slug}").get_json()
    assert api["accepting_ideas"] is takes_ideas
    assert api["ends_on"] == (city_today_iso(app, ends_in))


def city_today_iso(app, days):
    with app.test_request_context():
        return (city_today() + timedelta(days=days)).isoformat()


def test_supports_and_comments_stop_with_the_period(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    _set_period(app, consultation, -10, -1)
    login_as("resident")
    base = f"/beteiligung/{consultation.slug}"
    token = csrf_token(client, base)
    assert client.post(f"{base}/ideen/{idea.id}/unterstuetzen", data={"csrf_token": token}).status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert consultation.title not in home  # no longer among the open consultations


def test_staff_set_the_period_and_an_end_before_the_start_is_refused(
    client, app, login_as, make_consultation
):
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    data = {"csrf_token": csrf_token(client, url), "title": "Plagwitz Ideen", "summary": "Kurz",
            "description": "Lang", "map_mode": "geographic", "allowed_kinds": ["point"],
            "starts_on": "2027-03-01", "ends_on": "2027-02-01"}
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The last day cannot come before the first day." in page
    assert 'value="2027-03-01"' in page and 'value="2027-02-01"' in page  # kept as typed
    with app.app_context():
        assert db.session.get(Consultation, consultation.id).ends_on is None
    data["ends_on"] = "2027-04-30"
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        saved = db.session.get(Consultation, consultation.id)
        assert (saved.starts_on.isoformat(), saved.ends_on.isoformat()) == ("2027-03-01", "2027-04-30")
    page = client.get(f"/beteiligung/{consultation.slug}", headers={"Accept-Language": "en"})
    assert "Ideas can be added from March 1, 2027." in page.get_data(as_text=True)


def test_a_layer_can_start_hidden_in_the_switcher(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    for name, shown in (("Bebauungsplan", "y"), ("Lärmkarte", "")):
        data = {"csrf_token": csrf_token(client, url), "name": name, "kind": "wms", "url": "/wms/leipzig",
                "wms_layers": name.lower(), "opacity": "0.7"}
        if shown:
            data["shown_by_default"] = shown
        assert client.post(url, data=data).status_code == 302
    with app.app_context():
        layers = {layer.name: layer.shown_by_default for layer in db.session.scalars(select(MapLayer))}
    assert layers == {"Bebauungsplan": True, "Lärmkarte": False}
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    shown_var, hidden_var = (page.split(f'"layers": "{name}"')[0].rsplit("var ", 1)[1].split(" ")[0]
                             for name in ("bebauungsplan", "lärmkarte"))
    assert f"{shown_var}.addTo(" in page
    assert f"{hidden_var}.addTo(" not in page
