"""Display names cannot carry characters that reorder the text after them, and wherever a
name is shown it is isolated, so its direction never spills into the page."""

from __future__ import annotations

import pytest

from participation.accounts.models import User, clean_display_name
from participation.extensions import db
from tests.accounts.test_export import person_with_contributions  # noqa: F401 - the fixture
from tests.accounts.test_signup import signup, user_count
from tests.conftest import csrf_token

MESSAGE = (
    "Please use only visible characters: no control characters or characters that change the "
    "direction of the text."
)


@pytest.mark.parametrize(
    "name",
    [
        "Stadt \u202eLeipzig",  # RIGHT-TO-LEFT OVERRIDE
        "Anna\u2066 Amt",  # LEFT-TO-RIGHT ISOLATE
        "Anna\u200f Amt",  # RIGHT-TO-LEFT MARK
        "Anna\u061c Amt",  # ARABIC LETTER MARK
        "Anna\u202a Amt",  # LEFT-TO-RIGHT EMBEDDING
        "Anna\x07Amt",  # BEL, a control character (NUL is refused before any form: 400)
        "Anna\nAmt",  # a line break
        "Anna\u200b Amt",  # ZERO WIDTH SPACE
    ],
)
def test_signup_refuses_direction_and_control_characters(english_client, app, name):
    response = signup(english_client, display_name=name)
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert user_count(app) == 0


@pytest.mark.parametrize(
    "name", ["Anna Müller", "علي حسن", "Олена", "Familie 👨\u200d👩\u200d👧", "می\u200cخواهم"]
)
def test_names_in_every_script_are_welcome(english_client, app, name):
    assert signup(english_client, display_name=name).status_code == 302
    with app.app_context():
        assert db.session.scalar(User.by_email("marie@example.org")).display_name == name


def test_settings_refuse_them_too(app, client, login_as):
    user = login_as("resident")
    response = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "display_name": "Stadt \u202eLeipzig",
            "locale": "",
            "notification_mail": "daily",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).display_name == user.display_name


def test_the_services_strip_what_other_ways_in_might_bring():
    assert clean_display_name(" Stadt \u202eLeipzig\x00 ") == "Stadt Leipzig"
    assert clean_display_name("می\u200cخواهم") == "می\u200cخواهم"  # the joiner Persian needs stays


def test_names_are_isolated_where_they_are_shown(app, client, login_as, person_with_contributions):  # noqa: F811
    person, idea_id, slug, comment_id = person_with_contributions
    idea_page = client.get(f"/beteiligung/{slug}/ideen/{idea_id}").get_data(as_text=True)
    assert '<span class="comment-author" id="comment-' in idea_page
    assert "<bdi>Jürgen Müller</bdi>" in idea_page  # by-line and comment author
    assert idea_page.count("<bdi>Jürgen Müller</bdi>") >= 2
    login_as("admin")
    admin_page = client.get("/admin/users?q=Jürgen").get_data(as_text=True)
    assert '<th scope="row"><bdi>Jürgen Müller</bdi></th>' in admin_page


def test_isolation_escapes_the_name(app, client, login_as, user_factory):
    user_factory(name="<b>Ha</b> & Co")
    login_as("admin")
    page = client.get("/admin/users?q=Ha").get_data(as_text=True)
    assert "<bdi>&lt;b&gt;Ha&lt;/b&gt; &amp; Co</bdi>" in page
