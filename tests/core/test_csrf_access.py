"""A failed CSRF check never shows a page the route's access rule refuses.

The CSRF error handler runs a form view again so the person gets their form back; the
access rule runs before the CSRF check, so only people who may use the route get there.
"""

import re

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.petitions.models import Signature
from tests.conftest import login
from tests.consultations.conftest import make_consultation, make_idea  # noqa: F401 - fixtures
from tests.petitions.conftest import petition_factory  # noqa: F401 - fixture
from tests.projects.conftest import make_project  # noqa: F401 - fixture

DRAFT_TITLE = "Geheimer Entwurf Lindenau"


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture
def draft(make_consultation):  # noqa: F811 - the imported fixture
    return make_consultation(state="draft", title=DRAFT_TITLE)


def test_anonymous_post_without_token_to_a_draft_is_sent_to_sign_in(client, draft):
    response = client.post(f"/staff/beteiligung/{draft.slug}")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert DRAFT_TITLE not in response.get_data(as_text=True)


def test_anonymous_post_without_token_shows_no_unpublished_project(client, make_project):  # noqa: F811
    project = make_project("Stiller Umbau Plagwitz", published=False)
    response = client.post(f"/staff/projekte/{project.slug}")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    body = response.get_data(as_text=True)
    assert "vta@leipzig.de" not in body and "Stiller Umbau" not in body


def test_a_resident_gets_403_not_the_staff_form(client, user_factory, draft):
    login(client, user_factory())
    response = client.post(f"/staff/beteiligung/{draft.slug}", data={"title": "x"})
    assert response.status_code == 403
    assert DRAFT_TITLE not in response.get_data(as_text=True)


def test_anonymous_post_to_a_resident_route_is_sent_to_sign_in(client, make_consultation):  # noqa: F811
    consultation = make_consultation()
    response = client.post(f"/beteiligung/{consultation.slug}/ideen/neu", data={"title": "Bank"})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_existing_and_missing_slugs_answer_alike_without_access(client, user_factory, draft):
    anonymous = [client.post(f"/staff/beteiligung/{slug}") for slug in (draft.slug, "gibt-es-nicht")]
    assert [r.status_code for r in anonymous] == [302, 302]
    assert [r.headers["Location"].split("next=")[0] for r in anonymous] == ["/login?", "/login?"]
    login(client, user_factory())
    resident = [client.post(f"/staff/beteiligung/{slug}") for slug in (draft.slug, "gibt-es-nicht")]
    assert [r.status_code for r in resident] == [403, 403]


def test_staff_with_a_bad_token_get_their_form_back_filled_in(client, login_as, draft):
    login_as("staff")
    response = client.post(
        f"/staff/beteiligung/{draft.slug}",
        data={"csrf_token": "stale", "title": "Ein neuer Titel, getippt", "summary": "Kurz"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Ein neuer Titel, getippt"' in page
    assert "<form" in page


def test_an_abort_in_the_rerun_view_gives_its_own_page(client, login_as, make_consultation):  # noqa: F811
    login_as("staff")
    response = client.post("/staff/beteiligung/gibt-es-nicht", data={"title": "x"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    closed = make_consultation(state="closed", title="Vorbei")
    response = client.post(f"/beteiligung/{closed.slug}/ideen/neu", data={"title": "Bank"})
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)



def test_a_valid_token_without_referrer_over_https_writes_nothing(app, client, petition_factory):  # noqa: F811
    """Flask-WTF also refuses a POST over HTTPS without a matching Referer; the rerun that gives
    the form back must not then carry the POST out on the strength of the valid token."""
    url = f"/petitionen/{petition_factory()}/unterschreiben"
    page = client.get(url, base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(url, base_url="https://localhost", data={
        "csrf_token": token, "name": "Ute Berger", "email": "ute@example.org", "postcode": "04177",
        "name_shown": "full", "privacy_consent": "y",
    })
    assert response.status_code == 400
    assert "Ute Berger" in response.get_data(as_text=True)  # the form comes back filled in
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
