"""The pub/sub broker behind live updates: one interface, in-process or on Redis.

`publish(topic, event, data)` returns the event's id; `subscribe(topics, after=id)` returns a
`Subscription` that hands out, in id order and each once, first the events after `after` that
the backlog still holds, then the live ones. The in-process broker (the embedded default, no
REDIS_URL) lives in one process; the Redis broker (redis_broker.py) lets every worker of every
app server see every event.

Ids are integers, given out as strings: microseconds since the epoch when the event was
published, or one more than the previous id when that is not larger. So they grow
monotonically across processes and restarts and are comparable as numbers, and an id tells
roughly how old it is. Each topic keeps a bounded backlog (`backlog_length` events, at most
`backlog_seconds` old) for resuming after a dropped connection and for polling. When the
backlog cannot prove that nothing after an id was lost (trimmed, expired, another process, a
restart), the subscription says so (`resumed` is False) and the client reloads instead.

A subscriber that falls far behind (`MAX_PENDING` undelivered events) is ended: it resumes
from the backlog when it reconnects, so one stuck connection cannot grow without bound.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

logger = logging.getLogger(__name__)

MAX_PENDING = 1000
MAX_TOPICS_IN_PROCESS = 10_000  # the in-process backlog forgets the quietest topics beyond this


class BrokerUnavailable(RuntimeError):
    """The broker's store (Redis) cannot be reached."""


def id_at(seconds: float) -> int:
    return int(seconds * 1_000_000)


def next_id(last: int) -> int:
    return max(id_at(time.time()), last + 1)


def parse_id(value: str | None) -> int | None:
    """An event id a client sent back, or None when it is missing or malformed."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    return int(value)


@dataclass(frozen=True)
class Message:
    id: int
    topic: str
    event: str
    data: dict  # always has "topic"; ids and counts only, never user-written text

    @cached_property
    def data_json(self) -> str:
        return json.dumps(self.data, separators=(",", ":"), sort_keys=True)

    @cached_property
    def sse(self) -> str:
        """The event as a Server-Sent Events block: made once, however many streams send it."""
        return f"id: {self.id}\nevent: {self.event}\ndata: {self.data_json}\n\n"

    def as_dict(self) -> dict:
        return {"id": str(self.id), "event": self.event, "data": self.data}

    def to_wire(self) -> str:
        """How the Redis broker stores and sends it: the id, a space, JSON."""
        return f"{self.id} " + json.dumps(
            {"topic": self.topic, "event": self.event, "data": self.data}, separators=(",", ":")
        )

    @classmethod
    def from_wire(cls, raw: str | bytes) -> Message:
        if isinstance(raw, bytes):
            raw = raw.decode()
        number, _, body = raw.partition(" ")
        fields = json.loads(body)
        return cls(int(number), fields["topic"], fields["event"], fields["data"])


@dataclass(frozen=True)
class Backlog:
    messages: list[Message]  # after the id asked for, oldest first
    complete: bool  # no event of the topics after that id can be missing
    newest: int  # the newest id among the topics' backlogs, 0 when they are empty


@dataclass(eq=False)
class Subscription:
    """What one client receives; filled by the broker's fan-out, read by one stream."""

    broker: Broker
    topics: frozenset[str]
    cursor: int = 0  # the id the subscription resumed from
    resumed: bool = True  # False: events after the id asked for may be lost
    _replay: deque = field(default_factory=deque)
    _pending: deque = field(default_factory=deque)
    _wake: threading.Event = field(default_factory=threading.Event)
    _last: int = 0
    ended: bool = False  # the broker shut down, or this subscriber fell too far behind

    def push(self, message: Message) -> None:
        if len(self._pending) >= MAX_PENDING:
            self.ended = True
        else:
            self._pending.append(message)
        self._wake.set()

    def end(self) -> None:
        self.ended = True
        self._wake.set()

    def get(self, timeout: float) -> list[Message]:
        """The next messages (waiting up to `timeout` seconds for one); [] when none came."""
        if not (self._replay or self._pending or self.ended):
            self._wake.wait(timeout)
        self._wake.clear()
        out = []
        for source in (self._replay, self._pending):
            while source:
                message = source.popleft()
                if message.id > self._last:
                    out.append(message)
                    self._last = message.id
        return out

    @property
    def position(self) -> int:
        """An id safe to resume from: every event of the topics up to it was handed out.
        Read it before `get()`: what the fan-out had delivered by then is in that batch."""
        return max(self._last, self.broker.delivered())

    def close(self) -> None:
        self.broker.unsubscribe(self)


class Broker:
    """What both brokers share: local subscribers, fan-out, resuming, shutting down."""

    def __init__(self, *, backlog_length: int = 100, backlog_seconds: int = 3600):
        self.backlog_length = backlog_length
        self.backlog_seconds = backlog_seconds
        self._local: dict[str, set[Subscription]] = {}
        self._local_lock = threading.Lock()
        self._closing = False

    # --- what each broker implements -----------------------------------------------------------

    def publish(self, topic: str, event: str, data: dict) -> str:
        raise NotImplementedError

    def publish_many(self, items: Iterable[tuple[str, str, dict]]) -> list[str]:
        """Several (topic, event, data) at once, in this order (the Redis broker sends them
        in one round trip)."""
        return [self.publish(topic, event, data) for topic, event, data in items]

    def head(self) -> int:
        """The newest id given out (to any topic); before the first, where the sequence starts."""
        raise NotImplementedError

    def backlog(self, topics: Iterable[str], after: int) -> Backlog:
        raise NotImplementedError

    def delivered(self) -> int:
        """Every event up to this id has been handed to this process's subscribers."""
        raise NotImplementedError

    def head_and_backlog(self, topics: Iterable[str], after: int | None) -> tuple[int, Backlog]:
        """`head()`, then the backlog after `after` (or after the head: none of it, but its
        newest id); the Redis broker asks both in one round trip, which polling needs."""
        head = self.head()  # before the backlog: what is published in between is in it
        return head, self.backlog(topics, head if after is None else after)

    def _start_delivery(self) -> None:
        """Make sure events reach this process's subscribers (the Redis listener)."""

    # --- shared -----------------------------------------------------------------------------------

    def complete_since(self, after: int, head: int, backlog: Backlog) -> bool:
        if after > head:  # an id this broker never gave out: Redis was emptied
            return False
        return after == head or (backlog.complete and after >= id_at(time.time() - self.backlog_seconds))

    def subscribe(self, topics: Iterable[str], after: int | None = None) -> Subscription:
        """Events of `topics` from now on, and first those after `after` if it can be resumed
        (otherwise `resumed` is False and the subscription starts now)."""
        self._install_shutdown_hook()
        head = self.head()  # read before registering: the backlog covers the moment in between
        subscription = Subscription(self, frozenset(topics))
        with self._local_lock:
            for topic in subscription.topics:
                self._local.setdefault(topic, set()).add(subscription)
        try:
            self._start_delivery()
            backlog = self.backlog(subscription.topics, head if after is None else after)
            if after is not None and not self.complete_since(after, head, backlog):
                subscription.resumed = False
                after = None
                backlog = self.backlog(subscription.topics, head)
        except BaseException:
            self.unsubscribe(subscription)
            raise
        subscription.cursor = subscription._last = head if after is None else after
        subscription._replay.extend(backlog.messages)
        if self._closing:
            subscription.end()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._local_lock:
            for topic in subscription.topics:
                listeners = self._local.get(topic)
                if listeners is not None:
                    listeners.discard(subscription)
                    if not listeners:
                        del self._local[topic]

    def local_topics(self) -> list[str]:
        with self._local_lock:
            return list(self._local)

    def subscriber_count(self) -> int:
        with self._local_lock:
            return len({s for listeners in self._local.values() for s in listeners})

    def _fan_out(self, message: Message) -> None:
        with self._local_lock:
            listeners = list(self._local.get(message.topic, ()))
        for subscription in listeners:
            subscription.push(message)

    def close(self) -> None:
        """End every subscription (the streams finish); new ones end at once."""
        self._closing = True
        self.end_subscriptions()

    def end_subscriptions(self) -> None:
        """End the current subscriptions: their clients reconnect and resume from the backlog."""
        with self._local_lock:
            subscriptions = {s for listeners in self._local.values() for s in listeners}
        for subscription in subscriptions:
            subscription.end()

    def _install_shutdown_hook(self) -> None:
        _brokers_to_close.add(self)
        _close_on_sigterm()


_brokers_to_close: weakref.WeakSet[Broker] = weakref.WeakSet()
_hooked_pid: int | None = None


def _close_on_sigterm() -> None:
    """On SIGTERM (gunicorn's graceful stop of a worker), end the streams first: gunicorn
    waits for running requests, and a stream never ends by itself. One handler per process,
    in front of the one that was there. Only the main thread may set signal handlers; under
    gevent every request runs there. Elsewhere (the threaded development server) the request
    threads are daemons and end with the process."""
    global _hooked_pid
    if _hooked_pid == os.getpid():
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum, frame):
            brokers = list(_brokers_to_close)
            for broker in brokers:
                broker._closing = True
            # A signal handler may interrupt code that holds a lock: close elsewhere.
            threading.Thread(target=lambda: [b.close() for b in brokers], daemon=True).start()
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread
        return
    _hooked_pid = os.getpid()


class InProcessBroker(Broker):
    """One process: a lock, a ring buffer per topic and the subscribers in a dict."""

    def __init__(self, **options):
        super().__init__(**options)
        self._lock = threading.Lock()
        self._topics: OrderedDict[str, deque[Message]] = OrderedDict()
        self._horizons: dict[str, int] = {}  # topic -> newest id trimmed from its backlog
        # Nothing before this process started is known; nor, once a topic is forgotten, its past.
        self._forgotten = id_at(time.time())
        self._last = self._delivered = self._forgotten

    def publish(self, topic: str, event: str, data: dict) -> str:
        with self._lock:
            self._last = next_id(self._last)
            message = Message(self._last, topic, event, {"topic": topic, **data})
            backlog = self._topics.pop(topic, None) or deque()
            backlog.append(message)
            while len(backlog) > self.backlog_length:
                self._horizons[topic] = backlog.popleft().id
            self._topics[topic] = backlog  # the most recently used topic goes last
            while len(self._topics) > MAX_TOPICS_IN_PROCESS:
                forgotten, old = self._topics.popitem(last=False)
                self._forgotten = max(self._forgotten, old[-1].id)
                self._horizons.pop(forgotten, None)
            self._fan_out(message)  # inside the lock: subscribers get events in id order
            self._delivered = message.id
        return str(message.id)

    def head(self) -> int:
        return self._last

    def delivered(self) -> int:
        return self._delivered

    def backlog(self, topics: Iterable[str], after: int) -> Backlog:
        with self._lock:
            messages, newest, complete = [], 0, True
            for topic in topics:
                backlog = self._topics.get(topic, ())
                if backlog:
                    newest = max(newest, backlog[-1].id)
                if after < max(self._forgotten, self._horizons.get(topic, 0)):
                    complete = False
                messages.extend(m for m in backlog if m.id > after)
        messages.sort(key=lambda m: m.id)
        return Backlog(messages, complete, newest)
