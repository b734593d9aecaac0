"""Intake: a hot path hands its writes to a job that takes them in batches, through Redis.

When hundreds of people a second submit the same form (a petition gone viral), writing each
submission in its own request costs a transaction, its round trips and the mail it queues,
all inside the web workers. Where the answer does not depend on the write (a signer sees the
same "check your inbox" page whatever their submission turns out to be), the request can
instead append the submission to a Redis list and answer. A job takes the list in batches of
BATCH, one transaction each, with the feature's handler, and removes a batch from the list
only after its commit: a worker that dies mid-batch leaves it for the next one (the handler
must therefore take an item twice without harm; ON CONFLICT does that for signatures).

One job drains at a time. The request that finds no drain under way (`SET flag NX`) announces
one (the event INTAKE_WAITING, a job); the job keeps the flag while it works and gives it up
when the list is empty, looking once more afterwards, so a submission that arrived in between
is not left behind. A flag left by a job that died expires after FLAG_SECONDS, and a
scheduled job (`flask jobs worker`, every minute) drains whatever waits with no drain under way.

Only with Redis as the job queue (production, `flask jobs worker`): `available()` says so,
and without it the feature writes in the request as before (`make run`, the test suite).
An item the handler cannot take (it raises) is kept on the list `<key>:failed` and logged.
Redis holds the submissions until they are written, so production runs it with persistence
(README, "Production": appendonly).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, current_app

from participation.core import events, jobs
from participation.extensions import db

logger = logging.getLogger(__name__)

INTAKE_WAITING = "intake.waiting"
EVENTS = {INTAKE_WAITING: "submissions wait on an intake list and no job drains it; payload: intake"}
BATCH = 200
FLAG_SECONDS = 300
_MEMO = "participation.intake.batch_memo"  # in Session.info, for one batch

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}


def register(name: str, handler: Handler) -> None:
    """`handler(item)` takes one submission, inside the batch's transaction (a SAVEPOINT)."""
    _handlers[name] = handler


def available(app: Flask | None = None) -> bool:
    app = app or current_app
    return app.extensions.get("intake") is not None


def submit(name: str, item: dict[str, Any]) -> None:
    """Append `item` (JSON data) to the intake `name`; announce a drain if none is under way.
    The announcement is an event: it goes out with the request's commit."""
    store: _Store = current_app.extensions["intake"]
    if store.push(name, json.dumps(item, separators=(",", ":"))):
        events.emit(INTAKE_WAITING, intake=name)


def waiting(name: str) -> int:
    """How many submissions wait (for staff pages and the benchmark)."""
    return current_app.extensions["intake"].waiting(name)


def drain(name: str) -> int:
    """Take everything that waits on `name`, batch by batch; returns how many were taken."""
    store: _Store = current_app.extensions["intake"]
    handler = _handlers[name]
    taken = 0
    while True:
        raw_items = store.batch(name)
        if not raw_items:
            if store.release(name):  # nothing came in since: done
                return taken
            continue  # something arrived while the flag was given up, and the flag is ours again
        taken += _take_batch(store, name, handler, raw_items)
        store.done(name, len(raw_items))


def batch_memo() -> dict:
    """A dictionary for the handler that lives as long as the batch: for what a thousand items
    share (the session's identity map holds objects only weakly, and would load it each time)."""
    return db.session.info.setdefault(_MEMO, {})


def _take_batch(store: _Store, name: str, handler: Handler, raw_items: list[bytes]) -> int:
    """All of a batch in one transaction; if one of them fails, once more one by one, each
    in a SAVEPOINT (two more round trips per item, only for a batch with a bad item)."""
    try:
        return _take_all(store, name, handler, raw_items)
    finally:
        db.session.info.pop(_MEMO, None)


def _take_all(store: _Store, name: str, handler: Handler, raw_items: list[bytes]) -> int:
    try:
        for raw in raw_items:
            handler(json.loads(raw))
        db.session.commit()
        return len(raw_items)
    except Exception:  # noqa: BLE001 - find the bad one below
        db.session.rollback()
        db.session.info.pop(_MEMO, None)  # what it holds may come from the rolled-back transaction
    taken = sum(_take_one(store, name, handler, raw) for raw in raw_items)
    db.session.commit()
    return taken


def _take_one(store: _Store, name: str, handler: Handler, raw: bytes) -> int:
    try:
        with db.session.begin_nested():
            handler(json.loads(raw))
        return 1
    except Exception:  # noqa: BLE001 - one bad submission must not stop the others
        logger.exception("intake %s: a submission could not be taken; kept on %s:failed", name, name)
        store.failed(name, raw)
        return 0


def _drain_announced(announced: events.Event) -> None:
    drain(announced["intake"])


def drain_forgotten() -> None:
    """Scheduled: drain every intake with items waiting and no drain under way."""
    store: _Store | None = current_app.extensions.get("intake")
    if store is None:
        return
    for name in list(_handlers):
        if store.waiting(name) and store.claim(name):
            drain(name)


class _Store:
    """The Redis side: the list `<prefix>:intake:<name>` and its flag `...:draining`."""

    def __init__(self, url: str, prefix: str):
        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self._push = self.redis.register_script(
            # one round trip: append, and take the flag if nobody holds it (1 = announce a drain)
            "redis.call('RPUSH', KEYS[1], ARGV[1]) "
            "if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 1 end return 0"
        )

    def _key(self, name: str) -> str:
        return f"{self.prefix}:intake:{name}"

    def _flag(self, name: str) -> str:
        return f"{self._key(name)}:draining"

    def push(self, name: str, raw: str) -> bool:
        return bool(self._push(keys=[self._key(name), self._flag(name)], args=[raw, FLAG_SECONDS]))

    def batch(self, name: str) -> list[bytes]:
        return self.redis.lrange(self._key(name), 0, BATCH - 1)

    def done(self, name: str, count: int) -> None:
        pipe = self.redis.pipeline()
        pipe.ltrim(self._key(name), count, -1)
        pipe.expire(self._flag(name), FLAG_SECONDS)  # still draining: keep the flag
        pipe.execute()

    def release(self, name: str) -> bool:
        """Give up the flag; False when items came in meanwhile and the flag is taken again."""
        self.redis.delete(self._flag(name))
        return not (self.waiting(name) and self.claim(name))

    def claim(self, name: str) -> bool:
        return bool(self.redis.set(self._flag(name), "1", nx=True, ex=FLAG_SECONDS))

    def waiting(self, name: str) -> int:
        return int(self.redis.llen(self._key(name)))

    def failed(self, name: str, raw: bytes) -> None:
        self.redis.rpush(f"{self._key(name)}:failed", raw)


def init_app(app: Flask) -> None:
    settings = app.extensions["settings"]
    events.declare_all(EVENTS)
    jobs.subscribe(INTAKE_WAITING, _drain_announced)
    app.extensions["intake"] = None
    if settings.job_queue_redis_url and settings.job_mode != "immediate":
        app.extensions["intake"] = _Store(settings.job_queue_redis_url, settings.jobs_name)
        jobs.schedule(app, "intake.drain_forgotten", drain_forgotten, minute="*")
