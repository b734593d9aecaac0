"""The poll's fast path (participation/live/fast_poll.py) answers an anonymous visitor's
unchanged poll with the view's own 304, and leaves everything it cannot answer alike to the
view: news, signed-in people (their own topic), topics that are not public, odd queries."""

from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def view_calls(app, monkeypatch):
    """How often the Flask view answered a poll (the fast path does not reach it)."""
    calls = []
    original = app.view_functions["live.poll"]

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setitem(app.view_functions, "live.poll", counted)
    return calls


def poll(client, topic, etag=None, extra=""):
    return client.get(f"/live/poll?topic={topic}{extra}", headers={"If-None-Match": etag} if etag else {})


def test_an_unchanged_anonymous_poll_is_answered_before_flask(broker, client, consultation, view_calls):
    client.get("/login")  # a visitor who read a form first: a session cookie (its CSRF token), nobody in it
    assert client.get_cookie("session") is not None
    topic = f"consultation:{consultation.id}"
    first = poll(client, topic)
    etag = first.headers["ETag"]
    assert len(view_calls) == 1
    unchanged = poll(client, topic, etag, extra=f"&after={first.get_json()['last_id']}")
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag
    assert unchanged.headers["Cache-Control"] == "private, no-cache"
    assert unchanged.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in unchanged.headers["Content-Security-Policy"]
    assert len(view_calls) == 1  # the view was not asked again
    broker.publish(topic, "idea", {"idea_id": 7, "change": "created"})
    news = poll(client, topic, etag, extra=f"&after={first.get_json()['last_id']}")
    assert news.status_code == 200 and news.get_json()["events"][0]["data"]["idea_id"] == 7
    assert len(view_calls) == 2


def test_a_signed_in_person_is_answered_by_the_view_with_their_own_topic(
    broker, client, consultation, user_factory, view_calls
):
    topic = f"consultation:{consultation.id}"
    anonymous_etag = poll(client, topic).headers["ETag"]
    person = user_factory()
    login(client, person)
    broker.publish(f"user:{person.id}", "notifications", {"unread": 1})
    answer = poll(client, topic, anonymous_etag)
    assert answer.status_code == 200  # their notification is news, whatever the consultation did
    assert len(view_calls) == 2


def test_a_topic_that_is_not_public_is_the_views_404(broker, client, make_consultation, view_calls):
    draft = make_consultation(state="draft", title="Entwurf")
    answer = poll(client, f"consultation:{draft.id}", 'W/"live-anything"')
    assert answer.status_code == 404 and len(view_calls) == 1


@pytest.mark.parametrize("extra", ["&topic=user:1", "&callback=x", "&topic=nonsense"])
def test_odd_queries_go_to_the_view(broker, client, consultation, view_calls, extra):
    topic = f"consultation:{consultation.id}"
    etag = poll(client, topic).headers["ETag"]
    poll(client, topic, etag, extra=extra)
    assert len(view_calls) == 2

