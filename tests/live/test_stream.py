"""The SSE stream: greeting, live events, resume with Last-Event-ID, heartbeats, shutdown."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import PASSWORD, csrf_token, login


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def url(consultation):
    return f"/live/stream?topic=consultation:{consultation.id}"


def _idea_event(broker, consultation, idea_id, change="created") -> str:
    return broker.publish(f"consultation:{consultation.id}", "idea", {"idea_id": idea_id, "change": change})


def test_the_stream_starts_with_retry_and_ready(broker, open_stream, url, consultation):
    stream = open_stream(url)
    headers = stream.response.headers
    assert headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Accel-Buffering"] == "no"
    first = next(stream._body).decode()
    assert first.startswith("retry: ")
    assert 3000 <= int(first.split("\n")[0].removeprefix("retry: ")) < 5000
    (ready,) = _events_of(first)
    assert ready.event == "ready" and ready.id == str(broker.head())
    assert ready.data == {"last_id": ready.id, "topics": [f"consultation:{consultation.id}"]}


def test_an_event_published_after_connecting_arrives(broker, open_stream, url, consultation):
    stream = open_stream(url)
    stream.next()
    event_id = _idea_event(broker, consultation, 7)
    (event,) = stream.next()
    assert (event.id, event.event) == (event_id, "idea")
    assert event.data == {"topic": f"consultation:{consultation.id}", "idea_id": 7, "change": "created"}


def test_last_event_id_replays_exactly_the_missed_events(broker, open_stream, url, consultation):
    stream = open_stream(url)
    stream.next()
    seen = _idea_event(broker, consultation, 1)
    assert [e.id for e in stream.next()] == [seen]
    stream.close()  # the connection drops; meanwhile:
    missed = [_idea_event(broker, consultation, n) for n in (2, 3)]
    broker.publish("consultation:999", "idea", {"idea_id": 4, "change": "created"})  # not followed
    again = open_stream(url, headers={"Last-Event-ID": seen})
    (ready,) = again.next()
    assert (ready.event, ready.id) == ("ready", seen)
    assert [(e.id, e.data["idea_id"]) for e in again.next()] == [(missed[0], 2), (missed[1], 3)]
    later = _idea_event(broker, consultation, 5)
    assert [e.id for e in again.next()] == [later]  # and then live, nothing twice


def test_the_first_connect_resumes_from_the_page_cursor(broker, open_stream, url, consultation):
    cursor = str(broker.head())  # what the page was rendered with (live_cursor())
    between = _idea_event(broker, consultation, 1)  # before the page's script connects
    stream = open_stream(f"{url}&last_event_id={cursor}")
    assert stream.next()[0].event == "ready"
    assert [e.id for e in stream.next()] == [between]


def test_the_header_wins_over_the_query_parameter(broker, open_stream, url, consultation):
    first = _idea_event(broker, consultation, 1)
    second = _idea_event(broker, consultation, 2)
    stream = open_stream(f"{url}&last_event_id={first}", headers={"Last-Event-ID": second})
    assert stream.next()[0].id == second


@pytest.mark.parametrize("last_id", ["0", "garbage"])
def test_an_id_that_cannot_be_resumed_gets_a_reset(broker, open_stream, url, consultation, last_id):
    _idea_event(broker, consultation, 1)
    stream = open_stream(url, headers={"Last-Event-ID": last_id})
    (reset,) = stream.next()
    assert reset.event == "reset" and reset.id == str(broker.head())
    later = _idea_event(broker, consultation, 2)
    assert [e.id for e in stream.next()] == [later]


def test_a_quiet_stream_sends_heartbeats_that_carry_the_position(app, broker, open_stream, url, monkeypatch):
    settings = dataclasses.replace(app.extensions["settings"], live_heartbeat_seconds=0.05)
    monkeypatch.setitem(app.extensions, "settings", settings)
    stream = open_stream(url)
    stream.next()
    elsewhere = broker.publish("consultation:999", "idea", {"idea_id": 1, "change": "created"})
    beats = stream.next() + stream.next()
    assert all(beat.comment == "heartbeat" and beat.event is None and beat.data is None for beat in beats)
    assert beats[-1].id == elsewhere  # a reconnect resumes from here, not from hours ago


def test_the_stream_ends_when_the_server_shuts_down(broker, open_stream, url):
    stream = open_stream(url)
    stream.next()
    broker.close()
    with pytest.raises(StopIteration):
        stream.next()


def test_closing_the_connection_unsubscribes(broker, open_stream, url):
    stream = open_stream(url)
    stream.next()
    assert broker.subscriber_count() == 1
    stream.close()
    assert broker.subscriber_count() == 0


def test_an_unread_stream_unsubscribes_when_closed(broker, client, url):
    response = client.get(url, buffered=False)
    assert broker.subscriber_count() == 1
    response.close()  # the body never started
    assert broker.subscriber_count() == 0


def test_streaming_runs_no_query(app, broker, open_stream, url, consultation, count_queries):
    stream = open_stream(url)
    with app.app_context(), count_queries() as counter:
        stream.next()
        _idea_event(broker, consultation, 1)
        stream.next()
    assert counter.count == 0


def test_a_signed_in_person_always_hears_their_own_topic(broker, client, open_stream, url, user_factory,
                                                         consultation):
    person = user_factory()
    login(client, person)
    stream = open_stream(url)
    (ready,) = stream.next()
    assert ready.data["topics"] == [f"consultation:{consultation.id}", f"user:{person.id}"]
    broker.publish(f"user:{person.id}", "notifications", {"unread": 3})
    (event,) = stream.next()
    assert (event.event, event.data) == ("notifications", {"topic": f"user:{person.id}", "unread": 3})
    only_own = open_stream("/live/stream")  # no topic at all: the person's own
    assert only_own.next()[0].data["topics"] == [f"user:{person.id}"]


def test_the_stream_sets_no_cookie(broker, client, open_stream, url, user_factory):
    person = user_factory(email_address="streamer@example.org")
    response = client.post("/login", data={"csrf_token": csrf_token(client), "email": person.email,
                                           "password": PASSWORD})
    assert response.status_code == 302
    client.get("/impressum")  # the page after signing in (it shows, and so removes, the flash)
    stream = open_stream(url)
    assert "Set-Cookie" not in stream.response.headers
    assert stream.next()[0].data["topics"][-1] == f"user:{person.id}"


def test_the_broker_down_is_a_503_before_streaming(app, client, url, monkeypatch):
    from participation.live.broker import BrokerUnavailable

    def unavailable(*args, **kwargs):
        raise BrokerUnavailable("down")

    monkeypatch.setattr(app.extensions["live_broker"], "subscribe", unavailable)
    assert client.get(url).status_code == 503


def _events_of(text):
    from tests.live.conftest import parse_sse

    return [block for block in parse_sse(text) if block.event]


def test_a_head_request_leaves_no_subscription(broker, client, url):
    response = client.head(url)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert broker.subscriber_count() == 0
    response.close()


def test_pages_get_the_cursor_to_start_from(app, broker, consultation):
    from participation.live import live_cursor

    event_id = _idea_event(broker, consultation, 1)
    with app.test_request_context():
        assert app.jinja_env.globals["live_cursor"]() == live_cursor() == event_id


def test_a_heartbeat_below_one_second_is_refused(settings):
    from participation import create_app

    with pytest.raises(ValueError, match="LIVE_HEARTBEAT_SECONDS"):
        create_app(dataclasses.replace(settings, live_heartbeat_seconds=0))
