"""The broker: ids in order, each subscriber its own topics, resume or reset, shutdown."""

from __future__ import annotations

import time

import pytest

from participation.live.broker import MAX_PENDING, InProcessBroker, parse_id


@pytest.fixture(params=["in-process", "redis"])
def make_broker(request):
    """Both brokers behind the same interface; the Redis ones share one prefix, like workers."""
    if request.param == "in-process":
        shared = {}

        def in_process(**options):
            # one process: every "worker" is the same broker
            return shared.setdefault("broker", InProcessBroker(**{"backlog_length": 100, **options}))

        yield in_process
        if "broker" in shared:
            shared["broker"].close()
    else:
        yield request.getfixturevalue("redis_broker_factory")


def _ids(messages) -> list[int]:
    return [m.id for m in messages]


def test_subscribers_get_the_events_of_their_topics_in_order(make_broker):
    publisher, receiver = make_broker(), make_broker()
    five, six = receiver.subscribe(["consultation:5"]), receiver.subscribe(["consultation:6", "user:1"])
    first = int(publisher.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"}))
    second = int(publisher.publish("user:1", "notifications", {"unread": 2}))
    third = int(publisher.publish("consultation:5", "idea", {"idea_id": 1, "change": "answered"}))
    assert first < second < third
    got = _wait_for(five, 2)
    assert _ids(got) == [first, third]
    assert got[0].data == {"topic": "consultation:5", "idea_id": 1, "change": "created"}
    assert [(m.topic, m.event, m.data) for m in _wait_for(six, 1)] == [
        ("user:1", "notifications", {"topic": "user:1", "unread": 2})
    ]
    assert six.get(timeout=0.05) == []


def test_resuming_after_an_id_replays_exactly_the_missed_events(make_broker):
    broker = make_broker()
    seen = int(broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"}))
    missed = [_idea(broker, 5, n) for n in (2, 3)]
    broker.publish("consultation:6", "idea", {"idea_id": 9, "change": "created"})  # another topic
    resumed = broker.subscribe(["consultation:5"], after=seen)
    assert resumed.resumed and resumed.cursor == seen
    assert _ids(resumed.get(timeout=1)) == missed
    live = int(broker.publish("consultation:5", "idea", {"idea_id": 4, "change": "created"}))
    assert _ids(_wait_for(resumed, 1)) == [live]


def test_a_new_subscription_starts_now(make_broker):
    broker = make_broker()
    broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"})
    fresh = broker.subscribe(["consultation:5"])
    assert fresh.resumed and fresh.cursor == broker.head()
    assert fresh.get(timeout=0.05) == []


def test_resuming_past_the_trimmed_backlog_is_a_reset(make_broker):
    broker = make_broker(backlog_length=3)
    old = int(broker.publish("consultation:5", "idea", {"idea_id": 0, "change": "created"}))
    for n in range(1, 5):
        broker.publish("consultation:5", "idea", {"idea_id": n, "change": "created"})
    late = broker.subscribe(["consultation:5"], after=old)
    assert not late.resumed and late.cursor == broker.head()
    assert late.get(timeout=0.05) == []  # nothing replayed: the client reloads instead
    kept = _ids(broker.backlog(["consultation:5"], 0).messages)
    assert len(kept) == 3
    assert broker.subscribe(["consultation:5"], after=kept[0]).resumed  # within the backlog


def test_an_id_older_than_the_backlog_time_is_a_reset(make_broker):
    broker = make_broker(backlog_seconds=1)
    old = int(broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"}))
    time.sleep(1.1)
    broker.publish("consultation:5", "idea", {"idea_id": 2, "change": "created"})
    assert not broker.subscribe(["consultation:5"], after=old).resumed


def test_on_a_quiet_system_an_old_cursor_still_resumes(make_broker):
    broker = make_broker(backlog_seconds=1)
    broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"})
    cursor = broker.head()
    time.sleep(1.1)  # older than the backlog keeps, but nothing happened since
    assert broker.subscribe(["consultation:5"], after=cursor).resumed


def test_an_id_from_before_a_restart_is_a_reset():
    before = InProcessBroker()
    old = int(before.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"}))
    after_restart = InProcessBroker()  # its backlog knows nothing of the first one's events
    after_restart.publish("consultation:5", "idea", {"idea_id": 2, "change": "created"})
    assert not after_restart.subscribe(["consultation:5"], after=old).resumed
    assert int(after_restart.publish("user:1", "notifications", {"unread": 1})) > old  # ids go on growing


def test_an_id_the_broker_never_gave_out_is_a_reset(make_broker):
    broker = make_broker()
    broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"})
    assert not broker.subscribe(["consultation:5"], after=broker.head() + 10**9).resumed


def test_closing_the_broker_ends_every_subscription(make_broker):
    broker = make_broker()
    subscription = broker.subscribe(["consultation:5"])
    started = time.monotonic()
    broker.close()
    assert subscription.get(timeout=5) == [] and subscription.ended
    assert time.monotonic() - started < 1
    assert broker.subscribe(["consultation:5"]).ended  # a new one ends at once too


def test_unsubscribing_stops_delivery():
    broker = InProcessBroker()
    subscription = broker.subscribe(["consultation:5"])
    assert broker.subscriber_count() == 1
    subscription.close()
    assert broker.subscriber_count() == 0
    broker.publish("consultation:5", "idea", {"idea_id": 1, "change": "created"})
    assert subscription.get(timeout=0.01) == []


def test_a_subscriber_far_behind_is_ended_and_can_resume():
    broker = InProcessBroker(backlog_length=MAX_PENDING * 2)
    stuck = broker.subscribe(["consultation:5"])
    for n in range(MAX_PENDING + 1):
        broker.publish("consultation:5", "idea", {"idea_id": n, "change": "created"})
    assert stuck.ended
    assert broker.subscribe(["consultation:5"], after=stuck.cursor).resumed


def test_position_moves_on_with_events_of_other_topics(make_broker):
    broker = make_broker()
    quiet = broker.subscribe(["consultation:5"])
    other = int(broker.publish("consultation:6", "idea", {"idea_id": 1, "change": "created"}))
    deadline = time.monotonic() + 2
    while quiet.position < other and time.monotonic() < deadline:
        time.sleep(0.01)
    assert quiet.position == other
    assert broker.subscribe(["consultation:5"], after=quiet.position).resumed


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "²", "9" * 20, None])
def test_malformed_ids_are_none(value):
    assert parse_id(value) is None


def _wait_for(subscription, count: int, timeout: float = 2.0):
    got, deadline = [], time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        got += subscription.get(timeout=0.1)
    return got


def test_the_redis_listener_reconnects_and_catches_up(redis_broker_factory, redis_prefix):
    import redis

    from tests.live.conftest import REDIS_URL

    publisher, worker = redis_broker_factory(), redis_broker_factory()
    subscription = worker.subscribe(["consultation:5"])
    admin = redis.Redis.from_url(REDIS_URL)
    listeners = [c for c in admin.client_list() if c["name"] == f"{redis_prefix}:listener"]
    assert len(listeners) == 1  # one pub/sub connection for the whole process
    admin.client_kill_filter(_id=listeners[0]["id"])
    published = [int(publisher.publish("consultation:5", "idea", {"idea_id": n, "change": "created"}))
                 for n in range(3)]
    assert _ids(_wait_for(subscription, 3, timeout=5)) == published
    admin.close()


def _idea(broker, consultation_id: int, idea_id: int) -> int:
    data = {"idea_id": idea_id, "change": "created"}
    return int(broker.publish(f"consultation:{consultation_id}", "idea", data))


def test_psycopg_waits_cooperatively_under_gevent_even_when_imported_first(monkeypatch):
    import sys
    import types

    from psycopg import waiting

    from participation.live import cooperative_database_waits

    if not hasattr(waiting, "wait_c"):
        pytest.skip("psycopg without its C extension")
    patched = types.SimpleNamespace(is_module_patched=lambda name: name == "select")
    monkeypatch.setitem(sys.modules, "gevent.monkey", patched)
    monkeypatch.setattr(waiting, "wait", waiting.wait_c)  # as chosen before gevent patched
    monkeypatch.setattr(waiting, "DefaultSelector", waiting.DefaultSelector)
    cooperative_database_waits()
    assert waiting.wait is waiting.wait_poll


def test_several_events_published_at_once_keep_their_order(make_broker):
    publisher, receiver = make_broker(), make_broker()
    subscription = receiver.subscribe(["user:1", "user:2"])
    ids = publisher.publish_many([("user:1", "notifications", {"unread": 1}),
                                  ("user:2", "notifications", {"unread": 5})])
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    assert [(m.topic, m.data["unread"]) for m in _wait_for(subscription, 2)] == [("user:1", 1), ("user:2", 5)]
