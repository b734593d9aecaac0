"""Consultation pages for visitors who are not signed in come from the shared cache
(core.anonymous_pages) until a consultation, idea, support or comment changes."""

from __future__ import annotations

import re

import pytest
from flask_caching.backends import SimpleCache

from participation.extensions import cache
from tests.conftest import login
from tests.consultations.conftest import support


def without_nonces(page: str) -> str:
    return re.sub(r'nonce="[^"]+"', "", page)  # every answer has its own


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def test_the_consultation_pages_are_kept_and_follow_new_ideas(
    app, caching, count_queries, make_consultation, make_idea
):
    consultation = make_consultation(title="Ideen für den Lene-Voigt-Park")
    make_idea(consultation, title="Mehr Bänke")
    paths = ["/beteiligung", f"/beteiligung/{consultation.slug}"]
    for path in paths:
        assert app.test_client().get(path).status_code == 200
        with app.app_context(), count_queries() as counter:
            again = app.test_client().get(path)
        assert again.status_code == 200 and counter.count == 0, path  # not one query
    make_idea(consultation, title="Ein Trinkbrunnen")
    assert "Ein Trinkbrunnen" in app.test_client().get(paths[1]).get_data(as_text=True)


def test_an_idea_page_is_kept_and_shows_a_new_support_at_once(
    app, caching, count_queries, make_consultation, make_idea, user_factory
):
    consultation = make_consultation()
    idea = make_idea(consultation)
    path = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    before = app.test_client().get(path).get_data(as_text=True)
    with app.app_context(), count_queries() as counter:
        again = app.test_client().get(path).get_data(as_text=True)
    assert counter.count == 0 and without_nonces(again) == without_nonces(before)  # kept
    support(app, idea, user_factory())
    after = app.test_client().get(path).get_data(as_text=True)
    assert before != after  # the count moved: the kept page was not served


def test_filters_make_their_own_page_and_unknown_arguments_are_not_kept(
    app, caching, count_queries, make_consultation, make_idea
):
    consultation = make_consultation()
    make_idea(consultation)
    path = f"/beteiligung/{consultation.slug}?order=oldest"
    app.test_client().get(path)
    with app.app_context(), count_queries() as counter:
        app.test_client().get(path)
    assert counter.count == 0
    odd = f"/beteiligung/{consultation.slug}?utm_source=newsletter"
    app.test_client().get(odd)
    with app.app_context(), count_queries() as counter:
        app.test_client().get(odd)
    assert counter.count > 0  # rendered as before


def test_signed_in_the_idea_counts_are_kept_and_follow_new_ideas(
    app, caching, make_consultation, make_idea, user_factory
):
    consultation = make_consultation()
    make_idea(consultation)
    resident = app.test_client()
    login(resident, user_factory())
    path = f"/beteiligung/{consultation.slug}"
    assert 'data-count="1"' in resident.get(path).get_data(as_text=True)
    assert 'data-count="1"' in resident.get(path).get_data(as_text=True)  # from the kept count
    make_idea(consultation, title="Noch eine Idee")
    assert 'data-count="2"' in resident.get(path).get_data(as_text=True)
    assert 'data-count="0"' in resident.get(f"{path}?status=accepted").get_data(as_text=True)  # its own count
    assert "2 Ideen" in resident.get("/beteiligung").get_data(as_text=True)  # the list's count
