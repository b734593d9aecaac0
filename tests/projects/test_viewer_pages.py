"""A project's page and the list are kept for each kind of signed-in viewer (core.viewer_pages):
every viewer gets exactly the page rendered for them alone, with their own token, follow
button and comments, and a change shows at once."""

from __future__ import annotations

import re

import pytest
from flask_caching.backends import SimpleCache

from participation.comments import services as comments
from participation.comments.models import Comment, CommentVote
from participation.core import targets
from participation.extensions import db
from participation.notifications import services as follows
from tests.kept_pages import Pages, client_for, token_of


@pytest.fixture
def pages(app, monkeypatch):
    return Pages(app, monkeypatch)


def _follow(app, user, project):
    with app.test_request_context():
        follows.set_following(db.session.merge(user), targets.resolve("project", project.id), True)
        db.session.commit()


def _comment(app, user, project, body):
    with app.test_request_context():
        comments.add_comment(targets.resolve("project", project.id), db.session.merge(user), body)
        db.session.commit()


def _pressed(html: str, project) -> str:
    return re.search(rf'id="follow-button-project-{project.id}" aria-pressed="(\w+)"', html).group(1)


def _vote(app, user, comment_id, value):
    with app.app_context():
        db.session.add(CommentVote(comment_id=comment_id, user_id=user.id, value=value))
        db.session.commit()


def _votes_pressed(html: str, comment_id: int) -> tuple[str, str]:
    up = re.search(rf'id="vote-up-{comment_id}" aria-pressed="(\w+)"', html).group(1)
    return up, re.search(rf'id="vote-down-{comment_id}" aria-pressed="(\w+)"', html).group(1)


def test_every_kind_of_viewer_gets_the_page_rendered_for_them(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    follower, commenter, voter = user_factory(), user_factory(), user_factory()
    _follow(app, follower, project)
    _comment(app, commenter, project, "Mein eigener Kommentar")
    _comment(app, user_factory(), project, "Ein Kommentar zum Abstimmen")
    with app.app_context():
        own_id, other_id = db.session.scalars(db.select(Comment.id).order_by(Comment.id)).all()[-2:]
    _vote(app, voter, own_id, 1)
    _vote(app, voter, other_id, -1)
    _vote(app, commenter, other_id, 1)  # a vote outside their own comment's parts
    viewers = {
        "anonymous": None,
        "resident": user_factory(),
        "follower": follower,
        "commenter": commenter,
        "voter": voter,
        "unconfirmed": user_factory(confirmed=False),
        "staff": user_factory(role="staff"),
        "admin": user_factory(role="admin"),
    }
    others = [user_factory(), user_factory(confirmed=False), user_factory(role="staff")]
    others.append(user_factory(role="admin"))
    for other in others:  # somebody else of each kind comes first (a new account moves the version)
        pages.from_cache(client_for(app, other), path)
    keys = set(pages.kept_keys())
    assert len(keys) == 4  # one entry per kind
    seen = {}
    for name, user in viewers.items():
        seen[name] = pages.assert_same(client_for(app, user), path)
    assert set(pages.kept_keys()) == keys  # all of them came from the kept entries
    assert _votes_pressed(seen["voter"], own_id) == ("true", "false")
    assert _votes_pressed(seen["voter"], other_id) == ("false", "true")
    assert _votes_pressed(seen["commenter"], other_id) == ("true", "false")
    assert _votes_pressed(seen["resident"], other_id) == ("false", "false")
    assert "Mein eigener Kommentar" in seen["resident"]
    assert _pressed(seen["follower"], project) == "true"
    assert _pressed(seen["resident"], project) == "false"
    assert "Edit the project" in seen["staff"] and "Edit the project" not in seen["resident"]
    assert "Please confirm your email address" in seen["unconfirmed"]


def test_two_viewers_never_see_each_others_token_or_follow(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    follower, other = user_factory(), user_factory()
    _follow(app, follower, project)
    first = pages.from_cache(client_for(app, follower), path).get_data(as_text=True)
    second = pages.from_cache(client_for(app, other), path).get_data(as_text=True)
    assert token_of(first) and token_of(second) and token_of(first) != token_of(second)
    assert token_of(first) not in second and token_of(second) not in first
    assert "\x00" not in first + second
    assert _pressed(first, project) == "true" and _pressed(second, project) == "false"


def test_a_new_comment_a_follow_and_a_staff_edit_show_at_once(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    resident = client_for(app, user := user_factory())
    assert "No comments yet." in pages.from_cache(resident, path).get_data(as_text=True)
    _comment(app, user_factory(), project, "Ein neuer Kommentar")
    assert "Ein neuer Kommentar" in pages.from_cache(resident, path).get_data(as_text=True)
    _follow(app, user, project)
    assert _pressed(pages.from_cache(resident, path).get_data(as_text=True), project) == "true"
    with app.test_request_context():
        db.session.merge(project).summary = "Jetzt mit Brunnen."
        db.session.commit()
    assert "Jetzt mit Brunnen." in pages.from_cache(resident, path).get_data(as_text=True)
    pages.assert_same(resident, path)


def test_a_flashed_message_is_shown_and_never_kept(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    resident = client_for(app, user_factory())
    with resident.session_transaction() as session:
        session["_flashes"] = [("success", "Nur für dich")]
    assert "Nur für dich" in pages.from_cache(resident, path).get_data(as_text=True)
    assert pages.kept_keys() == []
    other = client_for(app, user_factory())
    assert "Nur für dich" not in pages.from_cache(other, path).get_data(as_text=True)
    assert "Nur für dich" not in pages.from_cache(resident, path).get_data(as_text=True)  # shown once


def test_the_list_is_the_viewers_own(app, pages, make_project, user_factory):
    make_project()
    for role in ("resident", "staff"):
        pages.from_cache(client_for(app, user_factory(role=role)), "/projekte")
        pages.assert_same(client_for(app, user_factory(role=role)), "/projekte")
    pages.assert_same(client_for(app, user_factory()), "/projekte?status=in_planning")


def test_a_reply_waiting_for_moderation_shows_to_its_author_alone(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    author, other = user_factory(), user_factory()
    _comment(app, user_factory(), project, "Ein sichtbarer Kommentar")
    with app.test_request_context():
        target = targets.resolve("project", project.id)
        parent = db.session.scalars(db.select(Comment)).one()
        reply = comments.add_reply(target, parent, db.session.merge(author), "Noch nicht freigegeben")
        reply.visibility = "pending"
        db.session.commit()
    seen_by_other = pages.from_cache(client_for(app, other), path).get_data(as_text=True)
    assert "Ein sichtbarer Kommentar" in seen_by_other and "Noch nicht freigegeben" not in seen_by_other
    seen_by_author = pages.assert_same(client_for(app, author), path)
    assert "Noch nicht freigegeben" in seen_by_author and "Waiting for moderation" in seen_by_author
    seen_again = pages.from_cache(client_for(app, other), path).get_data(as_text=True)
    assert "Noch nicht freigegeben" not in seen_again


class _CountedCache(SimpleCache):
    """A SimpleCache that notes each round trip a shared cache would take (a get or get_many)."""

    def __init__(self):
        super().__init__()
        self.trips: list[tuple[str, ...]] = []

    def get(self, key):
        self.trips.append((key,))
        return super().get(key)

    def get_many(self, *keys):
        self.trips.append(keys)
        return [SimpleCache.get(self, key) for key in keys]  # SimpleCache's own calls get()


_VIEWERS_OWN = ("viewer-choices:", "comment-threads-of:")


def test_a_repeat_visit_fetches_the_viewers_parts_in_one_round_trip(app, pages, make_project, user_factory):
    project = make_project()
    path = f"/projekte/{project.slug}"
    voter = user_factory()
    _comment(app, user_factory(), project, "Ein Kommentar zum Abstimmen")
    with app.app_context():
        comment_id = db.session.scalars(db.select(Comment.id)).one()
    _vote(app, voter, comment_id, 1)
    counted = _CountedCache()
    pages.kept = counted
    client = client_for(app, voter)
    first = pages.from_cache(client, path).get_data(as_text=True)
    counted.trips.clear()
    again = pages.from_cache(client, path).get_data(as_text=True)
    viewer_trips = [keys for keys in counted.trips if any(key.startswith(_VIEWERS_OWN) for key in keys)]
    assert len(viewer_trips) == 1  # the follow button and the threads' votes together
    (keys,) = viewer_trips
    assert any(key.startswith("viewer-choices:") for key in keys)
    assert any(key.startswith("comment-threads-of:") for key in keys)
    assert _votes_pressed(again, comment_id) == _votes_pressed(first, comment_id) == ("true", "false")
