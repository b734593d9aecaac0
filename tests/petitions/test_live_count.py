"""The cached count, fresh to the second, and its live updates: coalesced, public only."""

from __future__ import annotations

import threading
import time

import pytest

from participation.core import events
from participation.extensions import db
from participation.live.broker import InProcessBroker
from participation.petitions import live_count
from participation.petitions.models import Petition, PetitionState
from participation.petitions.signing import COUNT_CHANGED
from tests.consultations.test_supports_concurrency import committing  # noqa: F401 - fixture
from tests.petitions.conftest import add_signatures


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app, monkeypatch):
    """One clock for the cache and the publisher, which the test moves; both fresh."""
    clock = Clock()
    monkeypatch.setitem(app.extensions, "petition_count_cache", live_count.CountCache(clock=clock))
    publisher = live_count.CountPublisher(app, clock=clock, background=False)
    monkeypatch.setitem(app.extensions, "petition_count_publisher", publisher)
    return clock


@pytest.fixture
def broker(app, monkeypatch):
    fresh = InProcessBroker(backlog_length=100, backlog_seconds=3600)
    monkeypatch.setitem(app.extensions, "live_broker", fresh)
    yield fresh
    fresh.close()


def _published(broker, petition_id):
    return [(m.event, m.data) for m in broker.backlog([f"petition:{petition_id}"], 0).messages]


def _changed(app, petition_id, times=1):
    """What each confirmation does after its commit: COUNT_CHANGED, one commit each."""
    with app.app_context():
        for _ in range(times):
            events.emit(COUNT_CHANGED, subject=("petition", petition_id), why="confirmed")
            db.session.commit()


def _flush(app):
    with app.app_context():
        return live_count.publisher(app).flush()


def _count(client, petition_id):
    return client.get(f"/api/v1/petitions/{petition_id}/count").get_json()["signature_count"]


def test_a_confirmation_shows_within_the_freshness_window(client, app, clock, petition_factory):
    petition_id = petition_factory(signatures=2)
    assert _count(client, petition_id) == 2
    add_signatures(app, petition_id, 1)
    clock.now += live_count.FRESH_SECONDS / 2
    assert _count(client, petition_id) == 2  # served from the cache: no query meanwhile
    clock.now += live_count.FRESH_SECONDS / 2
    assert _count(client, petition_id) == 3  # the freshness window is over: counted again


def test_the_page_helper_reads_the_same_cache(app, clock, petition_factory):
    petition_id = petition_factory(signatures=4)
    with app.app_context():
        totals = live_count.cached_totals(petition_id)
    assert (totals.total, totals.for_quorum) == (4, 4)


def test_one_thread_counts_while_the_others_serve_the_figures_they_have(app, clock, petition_factory):
    cache = live_count.CountCache(clock=clock)
    entered, release = threading.Event(), threading.Event()
    calls = []

    def slow_count(petition_id, read_at):
        calls.append(petition_id)
        entered.set()
        release.wait(5)
        return live_count.CachedCount(petition_id, True, "open", 10, live_count._NO_TOTALS, None, read_at)

    first = cache.put(live_count.CachedCount(7, True, "open", 10, live_count._NO_TOTALS, None, clock()))
    clock.now += 1.5 * live_count.FRESH_SECONDS  # stale
    refresher = threading.Thread(target=cache.get, args=(7, slow_count))
    refresher.start()
    assert entered.wait(5)
    assert cache.get(7, slow_count) is first  # no second query, no waiting: the stale figures
    release.set()
    refresher.join()
    assert calls == [7]
    assert cache.get(7, slow_count).read_at == clock.now


def test_many_confirmations_make_one_publish_per_interval(app, clock, broker, petition_factory):
    petition_id = petition_factory(signatures=5)
    other = petition_factory(signatures=1)
    _changed(app, petition_id, times=30)
    _changed(app, other)
    assert _published(broker, petition_id) == []  # nothing per event: only marked
    assert _flush(app) == [petition_id, other]
    assert _published(broker, petition_id) == [
        ("count", {"petition_id": petition_id, "signature_count": 5, "for_quorum": 5,
                   "topic": f"petition:{petition_id}"})]
    add_signatures(app, petition_id, 2)
    _changed(app, petition_id, times=10)
    clock.now += 0.5
    assert _flush(app) == []  # within the interval: still waiting, still dirty
    clock.now += 0.5
    assert _flush(app) == [petition_id]
    assert [data["signature_count"] for _, data in _published(broker, petition_id)] == [5, 7]
    clock.now += 5
    assert _flush(app) == []  # nothing changed: nothing to say


def test_the_publish_refreshes_the_cache_readers_use(client, app, clock, broker, petition_factory):
    petition_id = petition_factory(signatures=1)
    assert _count(client, petition_id) == 1
    add_signatures(app, petition_id, 1)
    _changed(app, petition_id)
    _flush(app)
    assert _count(client, petition_id) == 2  # the fragment fetched after the event shows the news


@pytest.mark.parametrize("state", [PetitionState.DRAFT, PetitionState.GATHERING, PetitionState.IN_REVIEW])
def test_unpublished_petitions_are_counted_but_not_published(app, clock, broker, petition_factory, state):
    petition_id = petition_factory(state=state, signatures=1)
    _changed(app, petition_id)
    assert _flush(app) == []
    assert _published(broker, petition_id) == []


def test_the_publish_gate_lets_one_worker_publish_per_interval(app, clock, broker, petition_factory):
    class Busy(live_count.PublishGate):
        def claim(self, petition_id):
            return False  # another worker published a moment ago

    petition_id = petition_factory(signatures=1)
    publisher = live_count.publisher(app)
    publisher.gate = Busy()
    _changed(app, petition_id)
    assert _flush(app) == []
    assert publisher.dirty() == {petition_id}  # kept: ours go out at the next tick
    publisher.gate = live_count.PublishGate()
    clock.now += 0.5
    assert _flush(app) == [petition_id]


def test_the_background_thread_publishes_within_two_seconds(app, committing, broker, user_factory):  # noqa: F811
    """The real thread, on committed rows: from the confirmation's commit to the live event."""
    with app.app_context():
        author = user_factory()
        petition = Petition(title="Trinkbrunnen am Markt", request="Zwei Trinkbrunnen.", author_id=author.id,
                            state=PetitionState.OPEN.value, supporter_key="im-hintergrund")
        db.session.add(petition)
        db.session.commit()
        petition_id = petition.id
    publisher = live_count.CountPublisher(app, background=True)
    previous = app.extensions["petition_count_publisher"]
    app.extensions["petition_count_publisher"] = publisher
    try:
        started = time.monotonic()
        _changed(app, petition_id, times=3)
        while not _published(broker, petition_id) and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert time.monotonic() - started < 2
        assert [m[1]["signature_count"] for m in _published(broker, petition_id)] == [0]
    finally:
        publisher.stop()
        app.extensions["petition_count_publisher"] = previous
