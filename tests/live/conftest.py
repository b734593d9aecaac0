"""Fixtures for live updates: a fresh broker per test, Redis on its own db and prefix, SSE reading."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
import redis

from participation.live.broker import InProcessBroker
from participation.live.redis_broker import RedisBroker
from tests.consultations.conftest import AREA, make_consultation, make_idea  # noqa: F401 - fixtures

REDIS_URL = "redis://127.0.0.1:6379/6"  # this suite's own Redis database


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture
def broker(app):
    """The app's broker, fresh for this test (events of other tests are not in its backlog)."""
    previous = app.extensions["live_broker"]
    fresh = InProcessBroker(backlog_length=100, backlog_seconds=3600)
    app.extensions["live_broker"] = fresh
    yield fresh
    fresh.close()
    app.extensions["live_broker"] = previous


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in Redis db 6; its keys are deleted afterwards."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-live-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture
def redis_broker_factory(redis_prefix):
    """Brokers on the same prefix, as separate worker processes would have them."""
    made = []

    def make(**options) -> RedisBroker:
        options = {"backlog_length": 100, "backlog_seconds": 3600, **options}
        made.append(RedisBroker(REDIS_URL, prefix=redis_prefix, **options))
        return made[-1]

    yield make
    for each in made:
        each.close()


@dataclass
class SseEvent:
    id: str | None
    event: str | None
    data: dict | None
    comment: str | None = None


def parse_sse(text: str) -> list[SseEvent]:
    """Blocks separated by a blank line; each block's id, event, data (as JSON) and comment."""
    blocks = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            fields.setdefault(name or "comment", value[1:] if value.startswith(" ") else value)
        data = json.loads(fields["data"]) if "data" in fields else None
        blocks.append(SseEvent(fields.get("id"), fields.get("event"), data, fields.get("comment")))
    return blocks


class Stream:
    """A streaming test-client response read chunk by chunk (each chunk is one write)."""

    def __init__(self, response):
        self.response = response
        self._body = iter(response.response)

    def next(self) -> list[SseEvent]:
        return parse_sse(next(self._body).decode())

    def close(self) -> None:
        self.response.close()


@pytest.fixture
def open_stream(client):
    opened = []

    def _open(url: str, **kwargs) -> Stream:
        response = client.get(url, buffered=False, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        opened.append(Stream(response))
        return opened[-1]

    yield _open
    for stream in opened:
        stream.close()
