"""Events after commit: subscribers act on what was committed, in order, each on its own."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts.models import User
from participation.core import events
from participation.extensions import db
from participation.notifications.models import Follow

KIND = events.declare("test.happened", "only in the tests")


@pytest.fixture
def heard():
    """Subscribe recorders (and whatever else a test needs) for one test only."""
    added: list = []

    def subscribe(subscriber, kind=KIND):
        events.subscribe(kind, subscriber)
        added.append((kind, subscriber))
        return subscriber

    yield subscribe
    for kind, subscriber in added:
        events.unsubscribe(kind, subscriber)


def _recorder(log: list, name: str = "a"):
    def record(happened: events.Event) -> None:
        log.append((name, happened.kind, happened.subject_id, dict(happened.payload)))

    return record


def test_subscribers_run_only_once_the_transaction_commits(app, user_factory, heard):
    log: list = []
    heard(_recorder(log))
    user = user_factory()
    with app.app_context():
        events.emit(KIND, actor=db.session.get(User, user.id), subject=("user", user.id), size=3)
        db.session.flush()
        assert log == []  # written, but not yet committed
        db.session.commit()
    assert log == [("a", KIND, user.id, {"size": 3})]


def test_nothing_runs_for_a_rolled_back_transaction(app, heard):
    log: list = []
    heard(_recorder(log))
    with app.app_context():
        events.emit(KIND, subject=("thing", 1))
        db.session.rollback()
        db.session.commit()  # a later commit does not bring the dropped event back
    assert log == []


def test_nothing_runs_for_a_transaction_that_is_closed_without_commit(app, heard):
    log: list = []
    heard(_recorder(log))
    with app.app_context():
        events.emit(KIND, subject=("thing", 1))
    with app.app_context():
        db.session.commit()
    assert log == []


def test_a_rolled_back_savepoint_drops_only_its_own_events(app, heard):
    log: list = []
    heard(_recorder(log))
    with app.app_context():
        events.emit(KIND, subject=("thing", 1))
        with db.session.begin_nested():
            events.emit(KIND, subject=("thing", 2))  # released: stays
        nested = db.session.begin_nested()
        events.emit(KIND, subject=("thing", 3))
        nested.rollback()
        assert log == []  # a released savepoint is no commit
        db.session.commit()
    assert [subject for _, _, subject, _ in log] == [1, 2]


def test_subscribers_run_in_the_order_they_subscribed(app, heard):
    log: list = []
    first = heard(_recorder(log, "first"))
    for name in ("second", "third"):
        heard(_recorder(log, name))
    events.subscribe(KIND, first)  # subscribing the same function again changes nothing
    with app.app_context():
        events.emit(KIND, subject=("thing", 1))
        events.emit(KIND, subject=("thing", 2))
        db.session.commit()
    assert [(name, subject) for name, _, subject, _ in log] == [
        ("first", 1), ("second", 1), ("third", 1), ("first", 2), ("second", 2), ("third", 2),
    ]


def test_a_failing_subscriber_is_logged_and_the_others_still_run(app, user_factory, heard, caplog):
    log: list = []
    user = user_factory()

    def broken(happened):
        db.session.add(Follow(user_id=user.id, target_type="broken", target_id=1))
        db.session.flush()
        raise RuntimeError("subscriber bug")

    def follows(happened):
        db.session.add(Follow(user_id=user.id, target_type="kept", target_id=happened.subject_id))

    heard(_recorder(log, "before"))
    heard(broken)
    heard(follows)
    heard(_recorder(log, "after"))
    with caplog.at_level(logging.ERROR, logger="participation.core.events"), app.app_context():
        events.emit(KIND, subject=("thing", 7))
        db.session.commit()
    assert [name for name, *_ in log] == ["before", "after"]
    [record] = [r for r in caplog.records if r.name == "participation.core.events"]
    assert record.exc_info and "subscriber bug" in str(record.exc_info[1])
    assert "test.happened" in record.getMessage()
    with app.app_context():  # what a subscriber wrote is committed, what the broken one wrote is not
        kinds = db.session.scalars(select(Follow.target_type).where(Follow.user_id == user.id)).all()
    assert kinds == ["kept"]


def test_events_emitted_by_a_subscriber_are_dispatched_too(app, heard):
    log: list = []
    second = events.declare("test.followed_up", "only in the tests")
    heard(lambda happened: events.emit(second, subject=("thing", happened.subject_id + 1)))
    heard(_recorder(log), kind=second)
    with app.app_context():
        events.emit(KIND, subject=("thing", 1))
        db.session.commit()
    assert [(kind, subject) for _, kind, subject, _ in log] == [(second, 2)]


def test_an_undeclared_kind_cannot_be_emitted_nor_subscribed(app):
    with app.app_context():
        with pytest.raises(events.UndeclaredEvent):
            events.emit("test.never_declared", subject=("thing", 1))
        with pytest.raises(events.UndeclaredEvent):
            events.subscribe("test.never_declared", print)


def _without_event_layer():
    hooks = [
        ("after_soft_rollback", events._drop_rolled_back),
        ("after_commit", events._committed),
        ("after_transaction_end", events._ended),
    ]

    class Off:
        def __enter__(self):
            for name, hook in hooks:
                sa_event.remove(Session, name, hook)

        def __exit__(self, *exc):
            for name, hook in hooks:
                sa_event.listen(Session, name, hook)

    return Off()


def _count(app, client, count_queries) -> int:
    with app.app_context(), count_queries() as counter:
        client.get("/")
        db.session.scalar(select(User.id).limit(1))
        db.session.commit()
    return counter.count


def test_a_request_that_emits_nothing_runs_no_extra_query(app, client, count_queries, user_factory):
    user_factory()
    client.get("/")  # warm caches, so both counted requests do the same work
    with_events = _count(app, client, count_queries)
    with _without_event_layer():
        without_events = _count(app, client, count_queries)
    assert with_events == without_events > 0
