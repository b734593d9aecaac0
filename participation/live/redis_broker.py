"""The Redis broker: every worker of every app server sees every event.

Publishing is one Lua script, so it is atomic: it takes the next id (`<prefix>:last-id`),
appends the event to the topic's capped list (`<prefix>:backlog:<topic>`, remembering the
newest id it trimmed in `<prefix>:trimmed:<topic>`; both expire `backlog_seconds` after the
topic's last event) and PUBLISHes it on the one channel `<prefix>:events`. Events therefore
reach the channel in id order.

Each worker process holds ONE subscription to that channel: a background listener (a thread,
a greenlet under gevent's monkey patching) started with the process's first stream, which
hands each event to the process's local subscribers. After a lost connection it reconnects
and fetches from the backlogs what went by meanwhile; if that cannot be complete, it ends the
local streams, whose clients reconnect and resume (or reload).

The Redis client, and the locks it uses, are made lazily in each process: after gunicorn has
forked the worker and gevent has patched it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import redis

from participation.live.broker import Backlog, Broker, BrokerUnavailable, Message, id_at

logger = logging.getLogger(__name__)

PUBLISH = """
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local id = tonumber(ARGV[1])
if id <= last then id = last + 1 end
local sid = string.format('%.0f', id)
redis.call('SET', KEYS[1], sid)
local message = sid .. ' ' .. ARGV[2]
local length = redis.call('RPUSH', KEYS[2], message)
local keep = tonumber(ARGV[3])
if length > keep then
  local dropped = redis.call('LPOP', KEYS[2], length - keep)
  redis.call('SET', KEYS[3], string.match(dropped[#dropped], '^%d+'))
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], message)
return sid
"""

POOL_SIZE = 50  # connections per process for publishing and backlog reads; the listener has its own


@dataclass
class _Listener:
    pid: int
    ready: threading.Event = field(default_factory=threading.Event)


class RedisBroker(Broker):
    def __init__(self, url: str, *, prefix: str, **options):
        super().__init__(**options)
        self.url = url
        self.prefix = prefix
        self.channel = f"{prefix}:events"
        self._last_key = f"{prefix}:last-id"
        self._client_pid: int | None = None
        self._client: redis.Redis | None = None
        self._script = None
        self._listener: _Listener | None = None
        self._delivered = 0

    def _redis(self) -> redis.Redis:
        if self._client_pid != os.getpid():
            pool = redis.BlockingConnectionPool.from_url(
                self.url, max_connections=POOL_SIZE, timeout=5, socket_connect_timeout=2,
                socket_timeout=5, health_check_interval=30,
            )
            self._client = redis.Redis(connection_pool=pool)
            self._script = self._client.register_script(PUBLISH)
            self._client_pid = os.getpid()
        return self._client

    def _backlog_key(self, topic: str) -> str:
        return f"{self.prefix}:backlog:{topic}"

    def _trimmed_key(self, topic: str) -> str:
        return f"{self.prefix}:trimmed:{topic}"

    def publish(self, topic: str, event: str, data: dict) -> str:
        return self.publish_many([(topic, event, data)])[0]

    def publish_many(self, items: Iterable[tuple[str, str, dict]]) -> list[str]:
        pipe = self._redis().pipeline(transaction=False)
        for topic, event, data in items:
            body = Message(0, topic, event, {"topic": topic, **data}).to_wire().partition(" ")[2]
            self._script(
                keys=[self._last_key, self._backlog_key(topic), self._trimmed_key(topic)],
                args=[id_at(time.time()), body, self.backlog_length, self.backlog_seconds, self.channel],
                client=pipe,
            )
        try:
            new_ids = pipe.execute()
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error
        return [i.decode() if isinstance(i, bytes) else str(i) for i in new_ids]

    def head(self) -> int:
        try:
            client = self._redis()
            last = client.get(self._last_key)
            if last is None:
                # Nothing published yet: start the sequence now, so that a cursor handed out
                # before the first event stays a valid place to resume from.
                client.set(self._last_key, id_at(time.time()), nx=True)
                last = client.get(self._last_key)
            return int(last)
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error

    def backlog(self, topics: Iterable[str], after: int) -> Backlog:
        return self._backlog_from(self._ask_backlog(list(topics)), after)

    def head_and_backlog(self, topics: Iterable[str], after: int | None) -> tuple[int, Backlog]:
        """One round trip: the head is read first in the pipeline, so whatever is published
        in between is in the backlog, as with head() then backlog()."""
        answers = self._ask_backlog(list(topics), with_head=True)
        last = answers.pop(0)
        head = int(last) if last is not None else self.head()  # nothing published yet
        return head, self._backlog_from(answers, head if after is None else after)

    def _ask_backlog(self, topics: list[str], *, with_head: bool = False) -> list:
        try:
            pipe = self._redis().pipeline(transaction=False)
            if with_head:
                pipe.get(self._last_key)
            for topic in topics:
                pipe.lrange(self._backlog_key(topic), 0, -1)
                pipe.get(self._trimmed_key(topic))
            return pipe.execute()
        except redis.RedisError as error:
            raise BrokerUnavailable(str(error)) from error

    @staticmethod
    def _backlog_from(answers: list, after: int) -> Backlog:
        messages, newest, complete = [], 0, True
        for raw_messages, trimmed in zip(answers[0::2], answers[1::2], strict=True):
            if trimmed is not None and after < int(trimmed):
                complete = False
            for raw in raw_messages:
                number = int(raw[:raw.index(b" " if isinstance(raw, bytes) else " ")])
                newest = max(newest, number)
                if number > after:  # only these are parsed: a poll with nothing new parses none
                    messages.append(Message.from_wire(raw))
        messages.sort(key=lambda m: m.id)
        return Backlog(messages, complete, newest)

    def delivered(self) -> int:
        return self._delivered

    # --- the listener -------------------------------------------------------------------------

    def _start_delivery(self) -> None:
        listener = self._listener
        if listener is None or listener.pid != os.getpid():
            # No lock: a second listener started by a race stops when it sees it is not
            # the current one, and subscriptions drop the duplicates it may deliver.
            listener = self._listener = _Listener(os.getpid())
            threading.Thread(target=self._listen, args=(listener,), daemon=True,
                             name="live-redis-listener").start()
        if not listener.ready.wait(timeout=5):
            raise BrokerUnavailable("the Redis listener did not start")

    def _current(self, listener: _Listener) -> bool:
        return not self._closing and self._listener is listener

    def _listen(self, listener: _Listener) -> None:
        pause = 0.5
        while self._current(listener):
            connection = redis.Redis.from_url(self.url, socket_connect_timeout=2, health_check_interval=30,
                                              client_name=f"{self.prefix}:listener")
            pubsub = connection.pubsub()
            try:
                pubsub.subscribe(self.channel)
                deadline = time.monotonic() + 5
                while not _confirmed(pubsub.get_message(timeout=1.0)):
                    if time.monotonic() > deadline:
                        raise redis.ConnectionError("no confirmation of the subscription")
                head = self.head()
                if listener.ready.is_set():  # a reconnect: what went by meanwhile
                    self._catch_up(head)
                self._delivered = max(self._delivered, head)
                listener.ready.set()
                pause = 0.5
                while self._current(listener):
                    raw = pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if raw is not None and raw["type"] == "message":
                        message = Message.from_wire(raw["data"])
                        self._fan_out(message)
                        self._delivered = max(self._delivered, message.id)
            except (redis.RedisError, BrokerUnavailable, OSError) as error:
                logger.warning("live updates: Redis listener lost its connection (%s); retrying", error)
                time.sleep(pause)
                pause = min(pause * 2, 10)
            finally:
                pubsub.close()
                connection.close()

    def _catch_up(self, head: int) -> None:
        topics = self.local_topics()
        if not topics or self._delivered >= head:
            return
        backlog = self.backlog(topics, self._delivered)
        if not self.complete_since(self._delivered, head, backlog):
            logger.warning("live updates: events may be lost after a Redis outage; ending the streams")
            self.end_subscriptions()
            return
        for message in backlog.messages:
            self._fan_out(message)


def _confirmed(reply: dict | None) -> bool:
    return reply is not None and reply["type"] == "subscribe"
