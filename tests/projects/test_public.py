"""The public project pages: list with filters and map, the project page, feeds, home page."""

import xml.etree.ElementTree as ET  # noqa: S405 - parses our own feeds
from datetime import date, timedelta

from tests.conftest import csrf_token, login
from tests.hostile_host import assert_all_from_base_url, proxied_app, with_hostile_headers

ATOM = "{http://www.w3.org/2005/Atom}"


def test_list_filters_by_status_district_and_topic(client, make_project):
    make_project("Umgestaltung Lindenauer Markt", status="in_planning", district="Alt-West", topic="mobility")
    make_project(
        "Neubau Schule Gorkistraße", status="under_construction", district="Nordost", topic="education"
    )
    make_project("Entwurf", published=False)
    html = client.get("/projekte").get_data(as_text=True)
    assert "Lindenauer Markt" in html and "Gorkistraße" in html and "Entwurf" not in html
    assert "2 projects" in html
    only = client.get("/projekte?status=under_construction").get_data(as_text=True)
    assert "Gorkistraße" in only and "Lindenauer Markt" not in only
    assert "Lindenauer Markt" in client.get("/projekte?district=Alt-West").get_data(as_text=True)
    assert "Gorkistraße" not in client.get("/projekte?topic=mobility").get_data(as_text=True)
    assert "2 projects" in client.get("/projekte?status=nonsense&district=Atlantis").get_data(as_text=True)


def test_list_has_a_map_and_comment_counts(client, make_project, login_as):
    project = make_project()
    login_as("resident")
    token = csrf_token(client, f"/projekte/{project.slug}")
    client.post(f"/kommentare/project/{project.id}", data={"csrf_token": token, "body": "Endlich!"})
    html = client.get("/projekte").get_data(as_text=True)
    assert 'class="folium-map map-medium"' in html and "1 comment" in html
    assert "cdn" not in html.lower() and "unpkg" not in html


def test_project_page_shows_timeline_facts_map_updates_and_comments(client, make_project):
    project = make_project()
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    assert "Umgestaltung Lindenauer Markt" in html and "<strong>Bäume</strong>" in html
    assert "Bürgerversammlung" in html and "milestone milestone-done" in html and "Baubeginn" in html
    assert "€" in html and "vta@leipzig.de" in html and "VII-DS-01234" in html
    assert 'class="folium-map map-small"' in html
    assert 'id="comments"' in html and "Sign in to comment" in html and "Sign in to follow" in html


def test_unpublished_projects_exist_only_for_staff(client, make_project, login_as):
    draft = make_project("Geheimprojekt", published=False)
    assert client.get(f"/projekte/{draft.slug}").status_code == 404
    assert client.get(f"/kommentare/project/{draft.id}").status_code == 404
    login_as("staff")
    assert "not published yet" in client.get(f"/projekte/{draft.slug}").get_data(as_text=True)


def test_completed_projects_close_comments_but_keep_them_readable(client, make_project, login_as):
    project = make_project(status="completed")
    login_as("resident")
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    assert "Comments are closed here. You can still read them." in html
    token = csrf_token(client, f"/projekte/{project.slug}")
    response = client.post(
        f"/kommentare/project/{project.id}", data={"csrf_token": token, "body": "Noch was"}
    )
    assert response.status_code == 422


def test_atom_feeds_are_valid_and_escape_text(client, make_project, app, user_factory):
    from participation.extensions import db
    from participation.projects import services

    project = make_project("Parkbogen Ost <script>")
    with app.test_request_context():
        services.add_update(
            db.session.merge(project),
            db.session.merge(user_factory(role="staff")),
            "Baustart & Sperrung",
            "Ab **Montag** gesperrt <b>x</b>",
        )
        db.session.commit()
    for url in ("/projekte/neu.atom", "/projekte/updates.atom", f"/projekte/{project.slug}/updates.atom"):
        response = client.get(url)
        assert response.mimetype == "application/atom+xml"
        feed = ET.fromstring(response.get_data())  # noqa: S314
        assert feed.tag == f"{ATOM}feed"
        assert feed.find(f"{ATOM}updated").text.endswith("Z")
    updates = ET.fromstring(client.get("/projekte/updates.atom").get_data())  # noqa: S314
    entry = updates.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Parkbogen Ost <script>: Baustart & Sperrung"
    assert entry.find(f"{ATOM}content").text == "<p>Ab <strong>Montag</strong> gesperrt x</p>"
    projects = ET.fromstring(client.get("/projekte/neu.atom").get_data())  # noqa: S314
    assert projects.find(f"{ATOM}entry/{ATOM}title").text == "Parkbogen Ost <script>"


def test_home_page_lists_the_latest_updates_or_the_empty_state(client, make_project, app, user_factory):
    from participation.extensions import db
    from participation.projects import services

    assert "There are no project updates yet." in client.get("/").get_data(as_text=True)
    project = make_project()
    with app.test_request_context():
        services.add_update(
            db.session.merge(project),
            db.session.merge(user_factory(role="staff")),
            "Bäume gepflanzt",
            "Zwölf Linden.",
        )
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Umgestaltung Lindenauer Markt: Bäume gepflanzt" in html


def test_following_a_project_brings_its_updates(client, make_project, app, user_factory, outbox):
    from participation.extensions import db
    from participation.notifications.models import Notification
    from participation.projects import services

    project = make_project()
    follower = user_factory()
    login(client, follower)
    token = csrf_token(client, f"/projekte/{project.slug}")
    client.post(f"/folgen/project/{project.id}", data={"csrf_token": token, "follow": "1"})
    with app.test_request_context():
        services.add_update(
            db.session.merge(project),
            db.session.merge(user_factory(role="staff")),
            "Baustart",
            "Es geht los.",
        )
        db.session.commit()
        [note] = db.session.scalars(db.select(Notification).where(Notification.user_id == follower.id)).all()
    assert note.kind == "update" and note.link == f"/projekte/{project.slug}"
    assert any(m["To"] == follower.email for m in outbox.messages)


def test_visitors_get_no_session_cookie_from_project_and_comment_pages(
    client, make_project, app, user_factory
):
    project = make_project()
    for url in (f"/projekte/{project.slug}", "/projekte", f"/kommentare/project/{project.id}"):
        fresh = app.test_client()
        response = fresh.get(url)
        assert response.status_code == 200
        assert "session=" not in response.headers.get("Set-Cookie", ""), url


def test_whoever_published_a_project_hears_about_its_comments(client, make_project, app, login_as):
    from sqlalchemy import select

    from participation.extensions import db
    from participation.notifications.models import Notification

    project = make_project()
    login_as("resident")
    token = csrf_token(client, f"/projekte/{project.slug}")
    client.post(f"/kommentare/project/{project.id}", data={"csrf_token": token, "body": "Frage zum Zeitplan"})
    with app.app_context():
        notes = db.session.scalars(
            select(Notification).where(Notification.user_id == project.created_by_id)
        ).all()
    assert [(n.kind, n.excerpt) for n in notes] == [("comment", "Frage zum Zeitplan")]


def test_overview_map_gets_one_linked_marker_per_project(client, make_project):
    import html as html_module
    import json
    import re

    make_project("Neubau Schule Gorkistraße")
    make_project("Ohne Ort", location=None)
    page = client.get("/projekte").get_data(as_text=True)
    data = re.search(r'id="projects-map-data" hidden data-projects="([^"]*)"', page).group(1)
    markers = json.loads(html_module.unescape(data))
    assert [(m["title"], m["url"]) for m in markers] == [
        ("Neubau Schule Gorkistraße", "/projekte/neubau-schule-gorkistrasse")
    ]
    assert markers[0]["lat"] == 51.3326 and markers[0]["lon"] == 12.3313


def test_project_page_shows_comments_with_stances(client, make_project, login_as):
    project = make_project()
    login_as("resident")
    token = csrf_token(client, f"/projekte/{project.slug}")
    client.post(
        f"/kommentare/project/{project.id}", data={"csrf_token": token, "body": "Dafür!", "stance": "for"}
    )
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    assert "Dafür!" in html and "In favour: 1</span>" in html


def test_a_milestone_past_its_date_and_not_done_is_not_called_ahead(client, make_project):
    today = date.today()
    project = make_project(milestones=[
        (today - timedelta(days=30), "Bürgerversammlung", True),
        (today - timedelta(days=3), "Entwurfsplanung abgeschlossen", False),
        (today + timedelta(days=90), "Baubeginn", False),
    ])
    html = client.get(f"/projekte/{project.slug}").get_data(as_text=True)
    labels = [html.split(title)[1].split("</span>")[1].rsplit(">", 1)[1]
              for title in ("Bürgerversammlung", "Entwurfsplanung abgeschlossen", "Baubeginn")]
    assert labels == ["done", "not done yet", "ahead"]


@with_hostile_headers
def test_feed_links_come_from_base_url_whatever_host_the_request_names(
    settings, hostile_headers, make_project, app, user_factory
):
    from participation.extensions import db
    from participation.projects import services

    project = make_project("Parkbogen Ost")
    with app.test_request_context():
        services.add_update(
            db.session.merge(project), db.session.merge(user_factory(role="staff")), "Baustart", "Ab Montag."
        )
        db.session.commit()
    client = proxied_app(settings).test_client()
    for url in ("/projekte/neu.atom", "/projekte/updates.atom", f"/projekte/{project.slug}/updates.atom"):
        response = client.get(url, headers=hostile_headers)
        assert response.status_code == 200
        feed = ET.fromstring(response.get_data())  # noqa: S314
        links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
        ids = [element.text for element in feed.iter(f"{ATOM}id")]
        assert len(links) >= 3 and len(ids) >= 2  # the feed's own and at least one entry's
        assert_all_from_base_url(links + ids)
