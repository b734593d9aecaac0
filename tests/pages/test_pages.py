import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.pages.models import AccessibilityFeedback
from tests.conftest import csrf_token

PAGES = [
    "/",
    "/impressum",
    "/datenschutz",
    "/nutzungsbedingungen",
    "/barrierefreiheit",
    "/leichte-sprache",
    "/login",
    "/signup",
    "/password/forgot",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_has_the_layout_landmarks(client, url):
    page = client.get(url).get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page
    assert 'role="status"' in page
    for footer_link in ("/impressum", "/datenschutz", "/barrierefreiheit", "/leichte-sprache"):
        assert f'href="{footer_link}"' in page


def test_page_titles_are_unique(client):
    titles = [
        re.search(r"<title>(.*?)</title>", client.get(url).get_data(as_text=True), re.S).group(1)
        for url in PAGES
    ]
    assert len(set(titles)) == len(titles), titles


def test_home_shows_empty_states(client):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for heading in ("Open consultations", "Latest project updates"):
        assert heading in page
    assert "There are no open consultations at the moment." in page
    assert "There are no project updates yet." in page


def test_easy_language_page_is_marked_german_in_every_language(client):
    page = client.get("/leichte-sprache", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<div lang="de" dir="ltr" class="easy-language">' in page
    assert "Leichte Sprache" in page


def test_accessibility_feedback_reaches_staff(client, app, user_factory, outbox):
    staff = user_factory(role="staff")
    response = client.post(
        "/barrierefreiheit",
        data={
            "csrf_token": csrf_token(client, "/barrierefreiheit"),
            "message": "Die Schrift auf der Startseite ist zu klein.",
            "page_url": "/",
            "reply_email": "hinweis@example.org",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        feedback = db.session.scalars(select(AccessibilityFeedback)).one()
        assert feedback.reply_email == "hinweis@example.org"
    [mail] = [m for m in outbox.messages if m["To"] == staff.email]
    assert "Die Schrift auf der Startseite ist zu klein." in mail.get_content()


def test_staff_read_feedback(client, login_as):
    client.post(
        "/barrierefreiheit",
        data={
            "csrf_token": csrf_token(client, "/barrierefreiheit"),
            "message": "Der Fokus ist auf Links kaum sichtbar.",
        },
    )
    login_as("staff")
    assert "Der Fokus ist auf Links kaum sichtbar." in client.get("/staff/feedback").get_data(as_text=True)


def test_empty_feedback_is_refused_and_nothing_stored(client, app):
    response = client.post(
        "/barrierefreiheit",
        data={"csrf_token": csrf_token(client, "/barrierefreiheit"), "message": "", "reply_email": "kaputt"},
    )
    assert response.status_code == 422
    assert 'value="kaputt"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AccessibilityFeedback)).all() == []
