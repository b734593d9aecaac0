"""The count everyone reads, cheap and fresh to the second; live updates; milestones.

Reading: `cached(petition_id)` keeps, per process, what the count endpoint, the page's count
fragment (`cached_totals`) and the live updates show: the petition's state and quorum and
its `counts.totals`, computed at most twice a second per petition and process (FRESH_SECONDS).
A hit costs a dictionary look-up and no query; while one thread refreshes a stale entry, the
others go on serving the one they have (so a thousand readers never wait in line for one
query). Shown figures are thus at most FRESH_SECONDS (plus one query) old: half a second, so
that with a client's cache of a second (api.COUNT_MAX_AGE) and a machine under full load the
count stays well within the 2 s it may lag behind the confirmations.

Writing: every confirmation emits signing.COUNT_CHANGED after its commit. At hundreds a
second nothing may happen per event but marking the petition dirty (a set, under a lock).
A background thread per process (`CountPublisher`) wakes every PUBLISH_SECONDS, counts each
dirty petition once, stores the fresh figures in the cache, publishes them on the live topic
`petition:<id>` (event `count`: ids and counts only) and announces crossed milestones
(milestones.py). With Redis (REDIS_URL) the workers agree through one key per petition that
only one of them publishes per interval; the others keep the petition dirty and try again at
their next tick, so none of their confirmations is left out for more than one more interval.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import select

from participation.core import events
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.live.broker import BrokerUnavailable
from participation.live.topics import petition_topic, register_kind
from participation.petitions import counts
from participation.petitions.models import Petition, PetitionState
from participation.petitions.signing import COUNT_CHANGED

logger = logging.getLogger(__name__)

FRESH_SECONDS = 0.5  # how old a cached count may be
PUBLISH_SECONDS = 1.0  # at most one live `count` event per petition in this interval
MAX_ENTRIES = 10_000  # petitions kept in the cache of one process (the least read go first)

# What the public may see and follow: never drafts, supporter gathering or review.
PUBLIC_STATES = frozenset({
    PetitionState.OPEN.value, PetitionState.AWAITING_RESPONSE.value, PetitionState.ANSWERED.value,
    PetitionState.CLOSED.value, PetitionState.REJECTED.value,
})


@dataclass(frozen=True)
class CachedCount:
    petition_id: int
    exists: bool
    state: str | None
    quorum: int  # the petition's own, or the site's
    totals: counts.Totals
    updated_at: datetime  # when the figures were counted (UTC)
    read_at: float  # the cache's clock, for its freshness

    @property
    def is_public(self) -> bool:
        return self.exists and self.state in PUBLIC_STATES

    @property
    def etag(self) -> str:
        totals = self.totals
        return f"count-{self.petition_id}-{totals.total}-{totals.for_quorum}-{self.quorum}-{self.state}"


_NO_TOTALS = counts.Totals(0, 0, 0, 0, 0)


def count_now(petition_id: int, read_at: float) -> CachedCount:
    """The exact figures from the database (two to four small queries)."""
    row = db.session.execute(
        select(Petition.state, Petition.quorum).where(Petition.id == petition_id)
    ).one_or_none()
    if row is None:
        return CachedCount(petition_id, False, None, 0, _NO_TOTALS, utcnow(), read_at)
    quorum = row.quorum if row.quorum is not None else current_settings().petition_quorum
    return CachedCount(petition_id, True, row.state, quorum, counts.totals(petition_id), utcnow(), read_at)


class CountCache:
    """Per-process cache of counts, thread-safe, with a clock the tests can move."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = MAX_ENTRIES):
        self.fresh_seconds = fresh_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._entries: OrderedDict[int, CachedCount] = OrderedDict()
        self._refreshing: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()

    def fresh(self, petition_id: int) -> CachedCount | None:
        """The entry if it is fresh, else None: a look-up, no lock, no query."""
        entry = self._entries.get(petition_id)
        return entry if entry is not None and self.clock() - entry.read_at < self.fresh_seconds else None

    def get(self, petition_id: int, load: Callable[[int, float], CachedCount] = count_now) -> CachedCount:
        entry = self._entries.get(petition_id)
        if entry is not None and self.clock() - entry.read_at < self.fresh_seconds:
            return entry
        with self._lock:
            refreshing = self._refreshing.setdefault(petition_id, threading.Lock())
        # Someone refreshes already: a stale entry (up to twice the freshness) will do meanwhile.
        stale_ok = entry is not None and self.clock() - entry.read_at < 2 * self.fresh_seconds
        if not refreshing.acquire(blocking=not stale_ok):
            return entry
        try:
            entry = self._entries.get(petition_id)
            if entry is not None and self.clock() - entry.read_at < self.fresh_seconds:
                return entry  # refreshed while this thread waited
            return self.put(load(petition_id, self.clock()))
        finally:
            refreshing.release()

    def put(self, entry: CachedCount) -> CachedCount:
        with self._lock:
            self._entries[entry.petition_id] = entry
            self._entries.move_to_end(entry.petition_id)
            while len(self._entries) > self.max_entries:
                forgotten, _ = self._entries.popitem(last=False)
                self._refreshing.pop(forgotten, None)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def count_cache(app: Flask | None = None) -> CountCache:
    return (app or current_app).extensions["petition_count_cache"]


def cached(petition_id: int) -> CachedCount:
    return count_cache().get(petition_id)


def cached_totals(petition_id: int) -> counts.Totals:
    """The petition's totals, at most a second old: for the page and its count fragment."""
    return cached(petition_id).totals


class PublishGate:
    """Whether this process may publish a petition's count now. Alone, always; with Redis,
    one worker per interval (SET NX with an expiry)."""

    def __init__(self, redis_url: str | None = None, prefix: str = "participation", seconds: float = 1.0):
        self.seconds = seconds
        self.prefix = prefix
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=1)

    def claim(self, petition_id: int) -> bool:
        if self._redis is None:
            return True
        try:
            key = f"{self.prefix}:petition-count-published:{petition_id}"
            return bool(self._redis.set(key, "1", nx=True, px=int(self.seconds * 1000)))
        except Exception as error:  # noqa: BLE001 - without Redis every worker publishes: too often, never never
            logger.warning("petition counts: the publish gate is unavailable: %s", error)
            return True


class CountPublisher:
    """Coalesces COUNT_CHANGED: `mark` is all a confirmation costs; `flush` counts and
    publishes each dirty petition at most once per interval. A daemon thread per process
    calls `flush` (started by the first `mark` of the process, so forked workers each start
    their own); the tests call it themselves with a clock they move."""

    def __init__(self, app: Flask, *, interval: float = PUBLISH_SECONDS,
                 clock: Callable[[], float] = time.monotonic, background: bool = True,
                 gate: PublishGate | None = None):
        self.app = app
        self.interval = interval
        self.clock = clock
        self.background = background
        self.gate = gate or PublishGate()
        self._dirty: set[int] = set()
        self._published_at: dict[int, float] = {}
        self._lock = threading.Lock()
        self._thread_pid: int | None = None
        self._stopped = threading.Event()

    def mark(self, petition_id: int) -> None:
        with self._lock:
            self._dirty.add(petition_id)
            start = self.background and self._thread_pid != os.getpid()
            if start:
                self._thread_pid = os.getpid()
        if start:
            threading.Thread(target=self._run, name="petition-count-publisher", daemon=True).start()

    def dirty(self) -> set[int]:
        with self._lock:
            return set(self._dirty)

    def _take_due(self) -> list[int]:
        now = self.clock()
        with self._lock:
            due = sorted(
                petition_id for petition_id in self._dirty
                if now - self._published_at.get(petition_id, float("-inf")) >= self.interval
            )
            self._dirty.difference_update(due)
        return due

    def flush(self) -> list[int]:
        """Count and publish the dirty petitions that are due; returns those published.
        Runs inside an app context; commits (the milestones) and leaves the session clean."""
        from participation.petitions import milestones

        published = []
        for petition_id in self._take_due():
            if not self.gate.claim(petition_id):
                with self._lock:  # another worker publishes now: ours go out at the next tick
                    self._dirty.add(petition_id)
                continue
            with self._lock:
                self._published_at[petition_id] = self.clock()
            try:
                entry = count_cache(self.app).put(count_now(petition_id, count_cache(self.app).clock()))
                if entry.is_public:
                    _publish(entry)
                    published.append(petition_id)
                if entry.exists and entry.state == PetitionState.OPEN.value:
                    milestones.announce_crossed(petition_id, entry.totals.for_quorum, entry.quorum)
                db.session.commit()
            except Exception:
                logger.exception("petition counts: could not publish petition %s", petition_id)
                db.session.rollback()
        return published

    def stop(self) -> None:
        """End the background thread (tests; a worker's thread ends with its process)."""
        self._stopped.set()

    def _run(self) -> None:
        # Waking twice per interval, a petition goes out at most 1.5 intervals after its change.
        while not self._stopped.wait(self.interval / 2):
            if not self.dirty():
                continue
            try:
                with self.app.app_context():
                    try:
                        self.flush()
                    finally:
                        db.session.remove()
            except Exception:  # noqa: BLE001 - the thread must outlive a broken database
                logger.exception("petition counts: the publisher failed")


def _publish(entry: CachedCount) -> None:
    data = {
        "petition_id": entry.petition_id,
        "signature_count": entry.totals.total,
        "for_quorum": entry.totals.for_quorum,
    }
    try:
        current_app.extensions["live_broker"].publish(petition_topic(entry.petition_id), "count", data)
    except BrokerUnavailable as error:  # the page's next poll of the fragment, or a reload, shows it
        logger.warning("live updates: could not publish petition %s's count: %s", entry.petition_id, error)


def publisher(app: Flask | None = None) -> CountPublisher:
    return (app or current_app).extensions["petition_count_publisher"]


def count_changed(event: events.Event) -> None:
    """After each committed COUNT_CHANGED: nothing but a mark (no query, no publish)."""
    if event.subject_id is not None:
        publisher().mark(event.subject_id)


def may_follow(petition_id: int, _user) -> bool:
    """A petition's live topic is as public as its page: public states only, for everyone."""
    return cached(petition_id).is_public


def register(app: Flask) -> None:
    """Cache, publisher, the `petition` live topic, the milestone events (called by init_app)."""
    from participation.petitions import milestones

    settings = app.extensions["settings"]
    events.declare_all(milestones.EVENTS)
    app.extensions["petition_count_cache"] = CountCache()
    gate = PublishGate(settings.redis_url, settings.live_channel_prefix, PUBLISH_SECONDS)
    # Tests flush by hand: a thread of its own would share the test's one connection.
    app.extensions["petition_count_publisher"] = CountPublisher(app, background=not app.testing, gate=gate)
    events.subscribe(COUNT_CHANGED, count_changed)
    register_kind("petition", may_follow)
