"""Visitors who are not signed in get the meeting and paper pages from the shared cache
(core.anonymous_pages): the same page as a fresh render, with its own CSP nonce, and never
what belongs to one visitor (a message, a sign-in) or data older than the last commit."""

from __future__ import annotations

import re

import pytest
from flask_caching.backends import SimpleCache

from participation.comments import services as comments
from participation.core import targets
from participation.council.models import Paper
from participation.extensions import cache, db


@pytest.fixture
def caching(app, monkeypatch):
    """A real cache instead of the tests' NullCache."""
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def nonces(response) -> tuple[str, set[str]]:
    """The nonce the CSP admits, and the nonces the page's scripts carry."""
    policy = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    return policy, set(re.findall(r'nonce="([^"]+)"', response.get_data(as_text=True)))


def test_a_kept_page_is_the_fresh_page_with_its_own_nonce(app, council, caching, count_queries):
    path = f"/rat/sitzungen/{council.past_meeting}"
    first = app.test_client().get(path)
    with app.app_context(), count_queries() as counter:
        second = app.test_client().get(path)
    assert second.status_code == 200
    assert counter.count == 0  # answered from the cache: not one query
    first_nonce, first_scripts = nonces(first)
    second_nonce, second_scripts = nonces(second)
    assert first_scripts == {first_nonce} and second_scripts == {second_nonce}  # every script runs
    assert first_nonce != second_nonce
    assert first.get_data(as_text=True).replace(first_nonce, "N") == second.get_data(as_text=True).replace(
        second_nonce, "N"
    )


def test_a_message_waiting_for_one_visitor_stays_theirs(app, council, caching):
    path = f"/rat/sitzungen/{council.past_meeting}"
    app.test_client().get(path)  # kept
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Ihre Meldung ist eingegangen.")]
    assert "Ihre Meldung ist eingegangen." in visitor.get(path).get_data(as_text=True)
    assert "Ihre Meldung ist eingegangen." not in app.test_client().get(path).get_data(as_text=True)


def test_a_new_comment_shows_at_once(app, council, caching, user_factory):
    path = f"/rat/vorlagen/{council.paper}"
    assert "Bitte auch an die Lieferzonen denken." not in app.test_client().get(path).get_data(as_text=True)
    with app.app_context():
        author = db.session.merge(user_factory())
        comments.add_comment(targets.resolve("council_paper", council.paper), author,
                             "Bitte auch an die Lieferzonen denken.")
        db.session.commit()
    assert "Bitte auch an die Lieferzonen denken." in app.test_client().get(path).get_data(as_text=True)


def test_a_rolled_back_change_is_never_shown(app, council, caching):
    path = f"/rat/vorlagen/{council.paper}"
    app.test_client().get(path)
    with app.app_context():
        db.session.get(Paper, council.paper).name = "Nie beschlossen"
        db.session.flush()
        db.session.rollback()
    assert "Nie beschlossen" not in app.test_client().get(path).get_data(as_text=True)


def test_unlisted_query_arguments_are_not_kept(app, council, caching, count_queries):
    path = f"/rat/sitzungen/{council.past_meeting}?utm_source=newsletter"
    app.test_client().get(path)
    with app.app_context(), count_queries() as counter:
        assert app.test_client().get(path).status_code == 200
    assert counter.count > 0  # rendered again: nobody fills the cache with made-up addresses
