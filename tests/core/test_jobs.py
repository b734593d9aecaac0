"""Background jobs (core/jobs.py): after the commit, out of the request, retried, and where
they run: a worker, threads of the web process, or at once in the tests."""

import logging
import os
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from huey.storage import RedisStorage
from huey.utils import utcnow as queue_now
from sqlalchemy import select

from participation.core import events, jobs
from participation.extensions import db
from participation.notifications.models import Follow
from participation.settings import INSTANCE_DIR, Settings

JOB_TESTED = events.declare("test.job", "a test of core.jobs; payload: user_id")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")  # db 5: this suite's own


class Heard:
    def __init__(self):
        self.events: list[events.Event] = []
        self.threads: list[str] = []
        self.failures = 0
        self.done = threading.Event()


HEARD = Heard()


def follow_something(event: events.Event) -> None:
    """A job that writes, and fails while HEARD.failures says so."""
    HEARD.events.append(event)
    db.session.add(Follow(user_id=event["user_id"], target_type="note", target_id=len(HEARD.events)))
    db.session.flush()
    if HEARD.failures:
        HEARD.failures -= 1
        raise RuntimeError("the database said no")


def record(event: events.Event) -> None:
    """A job that touches no database, for the tests whose jobs run in other threads."""
    HEARD.events.append(event)
    HEARD.threads.append(threading.current_thread().name)
    HEARD.done.set()


@pytest.fixture
def heard():
    HEARD.__init__()
    jobs.subscribe(JOB_TESTED, follow_something)
    yield HEARD
    jobs.unsubscribe(JOB_TESTED, follow_something)


@pytest.fixture
def recorded():
    HEARD.__init__()
    jobs.subscribe(JOB_TESTED, record)
    yield HEARD
    jobs.unsubscribe(JOB_TESTED, record)


def _emit(app, user_id: int = 0, *, commit: bool = True) -> events.Event:
    with app.test_request_context():
        emitted = events.emit(JOB_TESTED, user_id=user_id)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
    return emitted


def _followed(app, user_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Follow.target_id).where(Follow.user_id == user_id)))


def test_a_request_leaves_the_job_to_the_worker_which_gets_the_event_as_data(
    app_factory, user_factory, heard
):
    app = app_factory(jobs_mode="worker")
    queue = app.extensions["jobs"]
    person = user_factory()
    emitted = _emit(app, person.id)
    assert heard.events == [] and queue.pending() == 1 and _followed(app, person.id) == []
    assert queue.run_pending() == 1
    assert heard.events == [emitted] and heard.events[0].id == emitted.id  # the same event, with its id
    assert _followed(app, person.id) == [1]  # committed by the job


def test_in_immediate_mode_the_job_has_run_when_the_commit_returns(app, user_factory, heard):
    person = user_factory()
    emitted = _emit(app, person.id)
    assert heard.events == [emitted] and _followed(app, person.id) == [1]
    assert app.extensions["jobs"].pending() == 0


def test_a_rolled_back_transaction_enqueues_nothing(app_factory, heard):
    app = app_factory(jobs_mode="worker")
    _emit(app, commit=False)
    with app.test_request_context():
        savepoint = db.session.begin_nested()
        events.emit(JOB_TESTED, user_id=0)
        savepoint.rollback()
        db.session.commit()
    assert app.extensions["jobs"].pending() == 0


def test_a_failing_job_is_rolled_back_retried_later_and_then_succeeds(
    app_factory, user_factory, heard, caplog
):
    app = app_factory(jobs_mode="worker", jobs_retry_delay=60)
    queue = app.extensions["jobs"]
    person = user_factory()
    heard.failures = 1
    _emit(app, person.id)
    with caplog.at_level(logging.WARNING, logger="participation.core.jobs"):
        assert queue.run_pending() == 1
    assert len(heard.events) == 1 and _followed(app, person.id) == []  # its writes were rolled back
    assert "failed (RuntimeError('the database said no')); 5 retries left" in caplog.text
    assert queue.pending() == 0 and queue.scheduled() == 1
    assert queue.run_pending() == 0  # not yet: the retry waits JOBS_RETRY_DELAY
    assert queue.run_pending(now=queue_now() + timedelta(seconds=61)) == 1
    assert len(heard.events) == 2 and heard.events[0].id == heard.events[1].id
    assert _followed(app, person.id) == [2] and queue.scheduled() == 0


def test_a_job_that_keeps_failing_stops_after_its_retries_and_says_so(
    app_factory, user_factory, heard, caplog
):
    app = app_factory(jobs_mode="worker", jobs_retries=2, jobs_retry_delay=0)
    heard.failures = 100
    _emit(app, user_factory().id)
    with caplog.at_level(logging.WARNING, logger="participation.core.jobs"):
        assert app.extensions["jobs"].run_pending() == 3  # the first run and two retries
    assert "failed for good: RuntimeError('the database said no')" in caplog.text
    assert app.extensions["jobs"].pending() == app.extensions["jobs"].scheduled() == 0


def test_an_event_that_is_not_json_data_cannot_become_a_job(app, heard, caplog):
    with app.test_request_context():
        events.emit(JOB_TESTED, user_id=Path("/"))
        db.session.commit()  # the subscriber that enqueues fails, and says so
    assert heard.events == [] and "not JSON serializable" in caplog.text


def test_thread_mode_starts_one_consumer_with_the_first_request_and_none_in_cli_commands(
    app_factory, recorded
):
    app = app_factory(jobs_mode="thread")
    queue = app.extensions["jobs"]
    app.test_cli_runner().invoke(args=["mail", "send"])  # a CLI command (`flask seed` ...) runs none
    assert not queue.consumer_running
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert queue.consumer_running
    consumer = queue._consumer
    client.get("/healthz")
    assert queue._consumer is consumer and queue.start_consumer_threads() is False  # once per process
    _emit(app)
    assert recorded.done.wait(5), "the consumer threads did not run the job"
    assert recorded.threads[0].startswith("Worker-")
    threads = [thread for _, thread in consumer.worker_threads] + [consumer.scheduler]
    queue.stop_consumer_threads()
    assert not any(thread.is_alive() for thread in threads) and not queue.consumer_running


def test_with_redis_a_job_enqueued_by_the_app_is_run_by_a_worker(app_factory, recorded):
    name = f"test_jobs_{uuid.uuid4().hex[:12]}"
    app = app_factory(jobs_mode="worker", jobs_redis_url=REDIS_URL, jobs_name=name)
    queue = app.extensions["jobs"]
    assert isinstance(queue.huey.storage, RedisStorage)
    try:
        emitted = _emit(app)
        assert redis.Redis.from_url(REDIS_URL).llen(f"huey.redis.{name}") == 1 and recorded.events == []
        queue.start_consumer_threads()  # the consumer `flask jobs worker` runs, here in threads
        assert recorded.done.wait(10), "the worker did not run the job"
        assert recorded.events == [emitted] and recorded.threads[0].startswith("Worker-")
    finally:
        queue.stop_consumer_threads()
        queue.huey.flush()


def test_flask_jobs_run_and_worker_need_a_queue(app, app_factory, heard):
    refused = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert refused.exit_code == 1 and "immediate" in refused.output
    queued = app_factory(jobs_mode="worker")
    _emit(queued)
    result = queued.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0 and "ran 1 job(s)" in result.output


def test_the_mode_and_the_queue_follow_the_settings():
    assert Settings(env="development").job_mode == "thread"
    assert Settings(env="production", redis_url="redis://127.0.0.1:6379/0").job_mode == "worker"
    assert Settings(env="testing").job_mode == "immediate"
    assert Settings(env="production", redis_url="redis://x", jobs_mode="Thread").job_mode == "thread"
    with pytest.raises(ValueError, match="JOBS_MODE"):
        Settings(jobs_mode="celery").flask_config()
    # the SQLite queue lives beside a SQLite database, so two databases never share one
    beside = Settings(database_url="sqlite:////srv/participation/participation.db").job_queue_file
    assert beside == Path("/srv/participation/participation-jobs.db")
    assert Settings(database_url="postgresql://db/participation").job_queue_file == INSTANCE_DIR / "jobs.db"
    from_env = Settings.from_env({"JOBS_MODE": "worker", "JOBS_RETRIES": "3", "JOBS_REDIS_URL": "redis://r"})
    assert (from_env.job_mode, from_env.jobs_retries, from_env.job_queue_redis_url) == ("worker", 3, "redis://r")
