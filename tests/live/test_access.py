"""Who may follow which topic: checked before anything is streamed or polled."""

from __future__ import annotations

import pytest

from tests.conftest import login

ROUTES = ["/live/stream", "/live/poll"]


@pytest.fixture(autouse=True)
def _fresh_broker(broker):
    return broker


def _status(client, route, *topics) -> int:
    query = "&".join(f"topic={topic}" for topic in topics)
    response = client.get(f"{route}?{query}", buffered=False)
    status = response.status_code
    response.close()
    return status


@pytest.mark.parametrize("route", ROUTES)
def test_user_topics_are_private(client, user_factory, route):
    person, other = user_factory(), user_factory()
    assert _status(client, route, f"user:{person.id}") == 403  # not signed in
    login(client, person)
    assert _status(client, route, f"user:{other.id}") == 403
    assert _status(client, route, f"user:{person.id}") == 200


@pytest.mark.parametrize("route", ROUTES)
def test_a_draft_consultation_is_no_topic_for_the_public(client, make_consultation, user_factory, route):
    draft = make_consultation(state="draft")
    assert _status(client, route, f"consultation:{draft.id}") == 404
    login(client, user_factory(role="resident"))
    assert _status(client, route, f"consultation:{draft.id}") == 404
    login(client, user_factory(role="staff"))  # staff may see drafts, so they may follow them
    assert _status(client, route, f"consultation:{draft.id}") == 200


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("topic", ["consultation:999999", "project:1", "consultation:abc", "consultation:",
                                   "consultation:99999999999", "consultation:1:2"])
def test_unknown_topics_are_404(client, route, topic):
    assert _status(client, route, topic) == 404


@pytest.mark.parametrize("route", ROUTES)
def test_at_most_four_topics_and_at_least_one(client, make_consultation, route):
    consultation = make_consultation()
    topic = f"consultation:{consultation.id}"
    assert _status(client, route, *[topic] * 4) == 200
    assert _status(client, route, *[topic] * 5) == 400
    assert _status(client, route) == 400  # anonymous and nothing asked for


def test_errors_are_problem_documents(client):
    response = client.get("/live/poll?topic=consultation:999999")
    assert response.mimetype == "application/problem+json"
