"""Background jobs: what follows a committed event runs outside the request, through huey.

A feature says which of its event handlers are jobs: `jobs.subscribe("comment.created", handler)`
instead of `events.subscribe(...)`. When the request's transaction commits, core.events calls a
subscriber that puts the handler's name and the event (as JSON data, `Event.to_data()`) on the
queue: a rolled-back request announces nothing, so it enqueues nothing, and nothing is ever
enqueued from inside an open transaction. A job runs `handler(event)` inside an app context
(with a stand-in request at BASE_URL, for url_for) with a fresh database session, and commits
its work. A job that raises is rolled back, logged and retried JOBS_RETRIES times, first after
JOBS_RETRY_DELAY seconds, then twice as long each time. A job may still run twice (a retry after
its commit went through, the queue delivering again), so handlers make a second run change
nothing, keyed by `event.id`.

Where the jobs run (settings.job_mode):
- thread: the queue is a SQLite file; the web process runs it in consumer threads started by
  its first request (never by CLI commands such as `flask db upgrade`), which wake as soon as
  the process enqueues and stop at exit. `make run` needs no other process.
- worker: `flask jobs worker`, a process of its own, runs the queue (Redis in production).
- immediate: the job runs in the committing process right after the commit (the test suite):
  a test sees its result as soon as the request has returned.

Scheduled jobs (`jobs.schedule(app, "petitions.close_due", handler, minute="*")`) run
`handler()` on a crontab schedule (UTC), with the same app context, fresh session and commit.
The consumers that run them: `flask jobs worker`, and in thread mode the web process's own
(not in the test suite, whose tests call the handlers directly). Several processes may each
enqueue a run at the same minute; a lock in the queue's storage (shared by all of them) lets
one run at a time and the others skip, and handlers are idempotent on the database (closing
what is due, erasing what is not yet erased), so a later run finds nothing left to do.

Why huey: one small, well kept library with both an embedded SQLite queue and a Redis one,
retries with delays, and a consumer that runs in threads; no broker server by default.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer, Worker
from huey.utils import utcnow as queue_now

from participation.core import events
from participation.extensions import db
from participation.settings import Settings

logger = logging.getLogger(__name__)

RETRY_BACKOFF = 2
POLL_SECONDS = 1.0  # the longest an idle consumer waits before it looks at the queue again
STOP_SECONDS = 10  # how long a stopping consumer lets a running job finish
# A scheduled job's lock older than this was left by a process that died while running it.
SCHEDULED_LOCK_STALE_SECONDS = 15 * 60

_handlers: dict[str, Callable[[events.Event], Any]] = {}


def handler_name(handler: Callable) -> str:
    return f"{handler.__module__}:{handler.__qualname__}"


@dataclass(frozen=True)
class _Enqueue:
    """The core.events subscriber that hands a committed event to a job. Equal by handler, so
    subscribing again (each create_app does) changes nothing."""

    name: str

    def __call__(self, event: events.Event) -> None:
        current().enqueue(self.name, event)


def subscribe(kind: str, handler: Callable[[events.Event], Any]) -> None:
    """Run `handler(event)` in a job after each committed event of `kind`."""
    name = handler_name(handler)
    _handlers[name] = handler
    events.subscribe(kind, _Enqueue(name))


def unsubscribe(kind: str, handler: Callable[[events.Event], Any]) -> None:
    events.unsubscribe(kind, _Enqueue(handler_name(handler)))


def schedule(app: Flask, name: str, handler: Callable[[], Any], **when: str) -> None:
    """Run `handler()` in a job whenever the crontab fields `when` (minute, hour, day, month,
    day_of_week; UTC) match: `schedule(app, "petitions.anonymize", anonymize, minute="20", hour="3")`."""
    app.extensions["jobs"].add_scheduled(name, handler, crontab(**when))


def current() -> Jobs:
    return current_app.extensions["jobs"]


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = Jobs(app, app.extensions["settings"])


def _queue(settings: Settings):
    # Results are never read: Redis would keep every one of them.
    options = {"results": False, "immediate": settings.job_mode == "immediate"}
    if settings.job_queue_redis_url:
        return RedisHuey(settings.jobs_name, url=settings.job_queue_redis_url, **options)
    path = settings.job_queue_file
    if not options["immediate"]:  # immediate mode keeps its (always empty) queue in memory
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.jobs_name, filename=str(path), **options)


class Jobs:
    """One app's queue, and in thread mode the consumer threads of this process."""

    def __init__(self, app: Flask, settings: Settings):
        self.app = app
        self.mode = settings.job_mode
        self.workers = settings.jobs_workers
        self._base_url = settings.base_url
        self.huey = _queue(settings)
        self._task = self.huey.task(
            retries=settings.jobs_retries,
            retry_delay=settings.jobs_retry_delay,
            retry_backoff=RETRY_BACKOFF,
            context=True,
            name="event_job",
        )(self._run)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._consumer: Consumer | None = None
        self._consumer_pid: int | None = None
        self._scheduled: dict[str, Callable[[], Any]] = {}
        # The web process's own consumer runs the scheduled jobs too (`make run` needs nothing
        # else), except in the test suite: no test should find a petition closed by a thread.
        self._in_process_periodic = self.mode == "thread" and not settings.testing
        if self.mode == "thread":
            app.before_request(self._start_with_first_request)

    # --- enqueueing and running -----------------------------------------------------------------

    def enqueue(self, name: str, event: events.Event) -> None:
        """Queue `handler(event)`; call it only after the commit (subscribe() does)."""
        data = json.loads(json.dumps(event.to_data()))  # what a worker gets, in every mode
        self._task(name, data)
        if self._consumer is not None:
            self._wake.set()

    def _run(self, name: str, data: dict[str, Any], task=None) -> None:
        event = events.Event.from_data(data)
        handler = _handlers.get(name)
        # A job writes: on SQLite a POST takes the write lock at its first statement (core/database.py).
        with self.app.app_context(), self.app.test_request_context(base_url=self._base_url, method="POST"):
            try:
                if handler is None:
                    raise LookupError(f"no job handler {name!r} in this version of the code")
                handler(event)
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                retries = task.retries if task is not None else 0
                if retries:
                    logger.warning("job %s on %s %s failed (%r); %d retries left",
                                   name, event.kind, event.id, error, retries)
                else:
                    logger.error("job %s on %s %s failed for good: %r", name, event.kind, event.id, error)
                raise

    # --- scheduled jobs -------------------------------------------------------------------------

    def add_scheduled(self, name: str, handler: Callable[[], Any], when: Callable[[datetime], bool]) -> None:
        self._scheduled[name] = handler
        self.huey.periodic_task(when, name=f"scheduled:{name}")(lambda: self.run_scheduled(name))

    @property
    def scheduled_names(self) -> list[str]:
        return sorted(self._scheduled)

    def due_scheduled(self, at: datetime) -> list[str]:
        """The scheduled jobs whose schedule matches `at` (naive UTC)."""
        return sorted(task.name.removeprefix("scheduled:") for task in self.huey.read_periodic(at))

    def run_scheduled(self, name: str) -> bool:
        """Run one scheduled job now unless it runs elsewhere at this moment; True if it ran."""
        lock = f"scheduled.{name}"
        if not self._acquire(lock):
            logger.info("scheduled job %s is running elsewhere: skipped", name)
            return False
        try:
            request = self.app.test_request_context(base_url=self._base_url, method="POST")
            with self.app.app_context(), request:
                try:
                    self._scheduled[name]()
                    db.session.commit()
                except Exception as error:
                    db.session.rollback()
                    logger.error("scheduled job %s failed: %r", name, error)
                    raise
        finally:
            self.huey.delete(self._lock_key(lock))
        return True

    def _lock_key(self, lock: str) -> str:
        return f"{self.huey.name}.lock.{lock}"

    def _acquire(self, lock: str) -> bool:
        """huey's put-if-empty lock, with the time it was taken: SQLite storage has no expiry,
        and a lock left by a killed process must not stop the job for good."""
        key, now = self._lock_key(lock), time.time()
        if self.huey.put_if_empty(key, now):
            return True
        taken = self.huey.get(key, peek=True)
        if taken is not None and now - float(taken) > SCHEDULED_LOCK_STALE_SECONDS:
            self.huey.delete(key)
            return self.huey.put_if_empty(key, now)
        return False

    def pending(self) -> int:
        return self.huey.pending_count()

    def scheduled(self) -> int:
        """Failed jobs waiting for their retry."""
        return self.huey.scheduled_count()

    def run_pending(self, now: datetime | None = None) -> int:
        """Run the queued jobs, and the retries due by `now` (naive UTC, default: now), in this
        thread until none is left; returns how many ran. For `flask jobs run` and tests."""
        if self.mode == "immediate":
            return 0
        done = 0
        while True:
            timestamp = now or queue_now()
            for task in self.huey.read_schedule(timestamp):
                self.huey.enqueue(task)
            task = self.huey.dequeue()
            if task is None:
                return done
            self.huey.execute(task, timestamp)
            done += 1

    # --- consumers ------------------------------------------------------------------------------

    def run_worker(self, workers: int | None = None) -> None:
        """`flask jobs worker`: run the queue until SIGTERM (which lets running jobs finish)."""
        _Consumer(
            self.huey, workers=workers or self.workers, periodic=True, max_delay=POLL_SECONDS,
            graceful_signal="TERM", shutdown_timeout=30,
        ).run()

    def _start_with_first_request(self) -> None:
        if self._consumer_pid != os.getpid():
            self.start_consumer_threads()

    def start_consumer_threads(self) -> bool:
        """Run the queue in threads of this process, once per process (thread mode calls it
        on the first request); False when they already run."""
        with self._lock:
            if self._consumer is not None and self._consumer_pid == os.getpid():
                return False
            consumer = _Consumer(
                self.huey, wake=self._wake, in_process=True, workers=self.workers,
                periodic=self._in_process_periodic,
                max_delay=POLL_SECONDS, check_worker_health=False, shutdown_timeout=STOP_SECONDS,
            )
            consumer.start()
            self._consumer, self._consumer_pid = consumer, os.getpid()
        atexit.register(self.stop_consumer_threads)
        return True

    @property
    def consumer_running(self) -> bool:
        return self._consumer is not None and self._consumer_pid == os.getpid()

    def stop_consumer_threads(self) -> None:
        """Let running jobs finish (up to STOP_SECONDS) and stop the threads; queued jobs stay."""
        with self._lock:
            consumer, pid = self._consumer, self._consumer_pid
            self._consumer = self._consumer_pid = None
        atexit.unregister(self.stop_consumer_threads)
        if consumer is None or pid != os.getpid():
            return
        consumer.stop_flag.set()
        self._wake.set()
        consumer.stop(graceful=True)
        self._wake.clear()


class _PromptWorker(Worker):
    """huey's worker that also wakes when its own process enqueues, so that in thread mode a
    notification follows its comment at once instead of at the next poll."""

    wake: threading.Event | None = None

    def sleep(self):
        if self.wake is None:
            return super().sleep()
        if self.wake.wait(min(self.delay, self.max_delay)):
            self.wake.clear()
            self.delay = self.default_delay
        else:
            self.delay = min(self.delay * self.backoff, self.max_delay)


class _Consumer(Consumer):
    worker_class = _PromptWorker

    def __init__(self, huey, *, wake: threading.Event | None = None, in_process: bool = False, **options):
        self._wake_event, self._in_process = wake, in_process
        super().__init__(huey, worker_type="thread", **options)

    def _create_worker(self):
        worker = super()._create_worker()
        worker.wake = self._wake_event
        return worker

    def _set_signal_handlers(self):
        if not self._in_process:  # inside the web process, its server owns the signals
            super()._set_signal_handlers()
