"""A consultation's page, an idea's page and the list of consultations are kept for each kind of
signed-in viewer (core.viewer_pages): every viewer gets exactly the page rendered for them
alone (their support, their own idea, their token), and a change shows at once."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from participation.comments import services as comments
from participation.consultations import services
from participation.consultations.models import Idea
from participation.core import targets
from participation.extensions import db
from tests.kept_pages import Pages, client_for, token_of


@pytest.fixture
def pages(app, monkeypatch):
    return Pages(app, monkeypatch)


def _support(app, user, idea):
    with app.test_request_context():
        services.add_support(db.session.get(Idea, idea.id), db.session.merge(user))
        db.session.commit()


def _pressed(html: str, idea) -> str | None:
    match = re.search(rf'id="support-button-{idea.id}" aria-pressed="(\w+)"', html)
    return match.group(1) if match else None


@pytest.fixture
def scene(app, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    author, supporter = user_factory(), user_factory()
    idea = make_idea(consultation, author=author)
    other_idea = make_idea(consultation, title="Ein Radweg")
    _support(app, supporter, idea)
    viewers = {
        "anonymous": None,
        "resident": user_factory(),
        "author": author,
        "supporter": supporter,
        "unconfirmed": user_factory(confirmed=False),
        "staff": user_factory(role="staff"),
    }
    others = [user_factory(), user_factory(confirmed=False), user_factory(role="staff")]
    return consultation, idea, other_idea, viewers, others


def test_the_idea_page_is_each_viewers_own(app, pages, scene):
    consultation, idea, _, viewers, others = scene
    path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    for other in others:
        pages.from_cache(client_for(app, other), path)
    keys = set(pages.kept_keys())
    assert len(keys) == 3
    seen = {name: pages.assert_same(client_for(app, user), path) for name, user in viewers.items()}
    assert set(pages.kept_keys()) == keys
    assert _pressed(seen["supporter"], idea) == "true"
    assert _pressed(seen["resident"], idea) == "false"
    assert _pressed(seen["author"], idea) is None and "Edit my idea" in seen["author"]
    assert "Edit my idea" not in seen["resident"] + seen["supporter"] + seen["staff"]
    assert "Answer as the city" in seen["staff"] and "Answer as the city" not in seen["resident"]
    assert _pressed(seen["unconfirmed"], idea) is None


def test_the_consultation_page_is_each_viewers_own(app, pages, scene):
    consultation, idea, other_idea, viewers, others = scene
    path = f"/beteiligung/{consultation.slug}"
    for other in others:
        pages.from_cache(client_for(app, other), path)
    seen = {name: pages.assert_same(client_for(app, user), path) for name, user in viewers.items()}
    assert seen["supporter"].count("You support this idea.") == 1
    assert "You support this idea." not in seen["resident"] + seen["author"]
    pages.assert_same(client_for(app, viewers["supporter"]), path + "?order=supported")


def test_two_viewers_never_see_each_others_support_or_token(app, pages, scene):
    consultation, idea, _, viewers, _ = scene
    path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    first = pages.from_cache(client_for(app, viewers["supporter"]), path).get_data(as_text=True)
    second = pages.from_cache(client_for(app, viewers["resident"]), path).get_data(as_text=True)
    assert token_of(first) != token_of(second) and token_of(first) not in second
    assert _pressed(first, idea) == "true" and _pressed(second, idea) == "false"
    assert "\x00" not in first + second


def test_a_support_a_new_idea_and_a_comment_show_at_once(app, pages, scene, make_idea):
    consultation, idea, _, viewers, _ = scene
    resident = client_for(app, user := viewers["resident"])
    idea_path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    assert "1 person supports this idea." in pages.from_cache(resident, idea_path).get_data(as_text=True)
    _support(app, user, idea)
    page = pages.from_cache(resident, idea_path).get_data(as_text=True)
    assert _pressed(page, idea) == "true" and "2 people support this idea." in page
    with app.test_request_context():
        comments.add_comment(targets.resolve("idea", idea.id), db.session.merge(viewers["staff"]), "Danke!")
        db.session.commit()
    assert "Danke!" in pages.from_cache(resident, idea_path).get_data(as_text=True)
    path = f"/beteiligung/{consultation.slug}"
    assert "Ein Spielplatz" not in pages.from_cache(resident, path).get_data(as_text=True)
    make_idea(consultation, title="Ein Spielplatz")
    assert "Ein Spielplatz" in pages.from_cache(resident, path).get_data(as_text=True)
    pages.assert_same(resident, path)


def test_a_flashed_message_is_shown_and_never_kept(app, pages, scene):
    consultation, idea, _, viewers, _ = scene
    path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    resident = client_for(app, viewers["resident"])
    with resident.session_transaction() as session:
        session["_flashes"] = [("success", "Danke für deine Unterstützung")]
    assert "Danke für deine Unterstützung" in pages.from_cache(resident, path).get_data(as_text=True)
    assert pages.kept_keys() == []
    page = pages.from_cache(client_for(app, viewers["staff"]), path).get_data(as_text=True)
    assert "Danke für deine Unterstützung" not in page


def test_the_list_and_the_home_page_are_each_viewers_own(app, pages, scene, user_factory):
    _, _, _, viewers, others = scene
    for path in ("/beteiligung", "/"):
        for other in others:
            pages.from_cache(client_for(app, other), path)
        for user in viewers.values():
            pages.assert_same(client_for(app, user), path)


def test_a_viewer_asking_again_is_answered_without_a_query_of_their_own(app, pages, scene):
    consultation, idea, _, viewers, _ = scene
    supporter = client_for(app, viewers["supporter"])
    idea_path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    for path in (idea_path, f"/beteiligung/{consultation.slug}", "/beteiligung", "/"):
        pages.from_cache(supporter, path)
        with app.app_context(), statements_run() as statements:
            page = pages.from_cache(supporter, path).get_data(as_text=True)
        if path == idea_path:
            assert _pressed(page, idea) == "true"
        # who is signed in, and nothing else: their supports and follows are kept for them
        assert [s.split()[0] for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))] == ["SELECT"]
        assert 'FROM "user"' in statements[-1] or "FROM user" in statements[-1], statements


@contextmanager
def statements_run():
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
