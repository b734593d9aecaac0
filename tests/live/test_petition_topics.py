"""Petitions register their own kind of live topic: public states only, for everyone."""

from __future__ import annotations

import pytest

from participation.live import topics
from participation.petitions import live_count
from participation.petitions.models import PetitionState
from tests.petitions.conftest import petition_factory  # noqa: F401 - fixture

ROUTES = ["/live/stream", "/live/poll"]


@pytest.fixture(autouse=True)
def _fresh(broker, app):
    live_count.count_cache(app).clear()
    yield broker
    live_count.count_cache(app).clear()


def _status(client, route, topic) -> int:
    response = client.get(f"{route}?topic={topic}", buffered=False)
    response.close()
    return response.status_code


def test_both_features_registered_their_kinds():
    assert {"consultation", "petition"} <= set(topics.registered_kinds())


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("state", [PetitionState.DRAFT, PetitionState.GATHERING, PetitionState.IN_REVIEW])
def test_an_unpublished_petition_is_no_topic(client, login_as, petition_factory, route, state):  # noqa: F811
    author = login_as("resident")
    petition_id = petition_factory(state=state, author=author)
    assert _status(client, route, f"petition:{petition_id}") == 404
    login_as("staff")
    assert _status(client, route, f"petition:{petition_id}") == 404  # staff read it in their own views


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("state", [PetitionState.OPEN, PetitionState.CLOSED, PetitionState.REJECTED])
def test_a_public_petition_is_a_topic_for_everyone(client, petition_factory, route, state):  # noqa: F811
    assert _status(client, route, f"petition:{petition_factory(state=state)}") == 200


@pytest.mark.parametrize("topic", ["petition:999999", "petitions:1", "petition:abc", "Petition:1"])
def test_unknown_petition_topics_are_404(client, topic):
    assert _status(client, "/live/poll", topic) == 404


def test_a_kind_cannot_take_the_users_name():
    with pytest.raises(ValueError):
        topics.register_kind("user", lambda *_: True)
