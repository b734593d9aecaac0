"""The polling fallback: events after an id, an ETag, 304 while nothing changed."""

from __future__ import annotations

import pytest


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


def _poll(client, consultation, after=None, etag=None):
    url = f"/live/poll?topic=consultation:{consultation.id}"
    if after is not None:
        url += f"&after={after}"
    return client.get(url, headers={"If-None-Match": etag} if etag else {})


def _publish(broker, consultation, idea_id) -> str:
    data = {"idea_id": idea_id, "change": "created"}
    return broker.publish(f"consultation:{consultation.id}", "idea", data)


def test_without_after_the_poll_gives_a_place_to_start(broker, client, consultation):
    response = _poll(client, consultation)
    assert response.status_code == 200
    assert response.get_json() == {"events": [], "last_id": str(broker.head()), "reset": False,
                                   "interval_ms": 20_000}  # how often to ask: LIVE_POLL_SECONDS
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"].startswith('W/"live-')


def test_304_while_nothing_changed_then_the_new_events(broker, client, consultation):
    first = _poll(client, consultation)
    cursor, etag = first.get_json()["last_id"], first.headers["ETag"]
    broker.publish("consultation:999", "idea", {"idea_id": 1, "change": "created"})  # another topic
    unchanged = _poll(client, consultation, after=cursor, etag=etag)
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    new = [_publish(broker, consultation, n) for n in (1, 2)]
    changed = _poll(client, consultation, after=cursor, etag=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    body = changed.get_json()
    assert [e["id"] for e in body["events"]] == new
    assert body["events"][0] == {
        "id": new[0], "event": "idea",
        "data": {"topic": f"consultation:{consultation.id}", "idea_id": 1, "change": "created"},
    }
    assert body["last_id"] == new[-1] and body["reset"] is False
    again = _poll(client, consultation, after=body["last_id"], etag=changed.headers["ETag"])
    assert again.status_code == 304


def test_an_id_that_cannot_be_resumed_asks_for_a_reload(broker, client, consultation):
    _publish(broker, consultation, 1)
    for after in ("0", "nonsense"):
        body = _poll(client, consultation, after=after).get_json()
        assert (body["events"], body["last_id"], body["reset"]) == ([], str(broker.head()), True)


def test_the_etag_differs_per_person(broker, client, consultation, login_as):
    anonymous = _poll(client, consultation).headers["ETag"]
    login_as("resident")
    assert _poll(client, consultation).headers["ETag"] != anonymous  # their own topic is in it
