"""Milestones of the quorum: each announced once, to the creator and the followers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from participation.core import events
from participation.extensions import db
from participation.live.broker import InProcessBroker
from participation.notifications.models import Follow, Notification
from participation.petitions import live_count, milestones
from participation.petitions.models import Petition, PetitionState
from participation.petitions.signing import COUNT_CHANGED
from tests.conftest import make_user
from tests.consultations.test_supports_concurrency import committing  # noqa: F401 - fixture
from tests.petitions.conftest import add_signatures
from tests.petitions.stand_ins import ensure_petition_page, ensure_petition_target


@pytest.fixture(autouse=True)
def _wiring(app, monkeypatch):
    ensure_petition_page(app)
    ensure_petition_target(monkeypatch)
    monkeypatch.setitem(app.extensions, "live_broker", InProcessBroker())
    monkeypatch.setitem(app.extensions, "petition_count_cache", live_count.CountCache())
    publisher = live_count.CountPublisher(app, background=False, clock=lambda: 0.0, interval=0)
    monkeypatch.setitem(app.extensions, "petition_count_publisher", publisher)


@pytest.fixture
def announced(monkeypatch):
    """The milestone events committed during the test: [(petition id, percent)]."""
    seen = []

    def record(event):
        seen.append((event.subject_id, event["percent"]))

    events.subscribe(milestones.PETITION_MILESTONE, record)
    yield seen
    events.unsubscribe(milestones.PETITION_MILESTONE, record)


def _signed(app, petition_id, how_many):
    """Signatures confirmed, and what follows: the publisher counts and checks the milestones."""
    if how_many:
        add_signatures(app, petition_id, how_many)
    with app.app_context():
        events.emit(COUNT_CHANGED, subject=("petition", petition_id), why="confirmed")
        db.session.commit()
        live_count.publisher(app).flush()


def _reached(app, petition_id):
    with app.app_context():
        return db.session.get(Petition, petition_id).milestone_reached


@pytest.mark.parametrize(("signatures", "quorum", "expected"), [
    (0, 100, 0), (24, 100, 0), (25, 100, 25), (74, 100, 50), (99, 100, 75), (100, 100, 100),
    (250, 100, 100), (1, 3, 25), (2, 3, 50), (3, 0, 100),
])
def test_the_highest_milestone_reached(signatures, quorum, expected):
    assert milestones.highest_reached(signatures, quorum) == expected


def test_each_milestone_is_announced_once(app, petition_factory, announced):
    petition_id = petition_factory(quorum=8)
    _signed(app, petition_id, 1)
    assert announced == []
    _signed(app, petition_id, 1)
    _signed(app, petition_id, 0)  # the same figures again: nothing new
    assert announced == [(petition_id, 25)]
    _signed(app, petition_id, 5)  # 50 and 75 crossed at once: the highest only
    assert announced == [(petition_id, 25), (petition_id, 75)]
    _signed(app, petition_id, 1)
    assert announced[-1] == (petition_id, 100) and _reached(app, petition_id) == 100


def test_announced_milestones_stay_when_the_count_falls(app, petition_factory, announced):
    petition_id = petition_factory(quorum=4)
    signatures = add_signatures(app, petition_id, 2)
    _signed(app, petition_id, 0)
    assert announced == [(petition_id, 50)]
    with app.app_context():
        from participation.core.models import utcnow
        from participation.petitions.models import Signature

        for signature_id in signatures:
            db.session.get(Signature, signature_id).invalidated_at = utcnow()
        db.session.commit()
    _signed(app, petition_id, 0)
    _signed(app, petition_id, 2)  # back to 50 %: not announced again
    assert announced == [(petition_id, 50)] and _reached(app, petition_id) == 50


def test_only_open_petitions_have_milestones(app, petition_factory, announced):
    closed = petition_factory(state=PetitionState.CLOSED, quorum=2)
    gathering = petition_factory(state=PetitionState.GATHERING, quorum=2)
    _signed(app, closed, 2)
    _signed(app, gathering, 2)
    assert announced == []


def test_a_milestone_notifies_the_creator_and_the_followers(app, petition_factory, user_factory, announced):
    creator, follower, stranger = user_factory(), user_factory(), user_factory()
    petition_id = petition_factory(author=creator, quorum=4, title="Trinkbrunnen am Markt")
    with app.app_context():
        db.session.add(Follow(user_id=follower.id, target_type="petition", target_id=petition_id))
        db.session.commit()
    _signed(app, petition_id, 2)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        notes = db.session.scalars(select(Notification).where(Notification.target_type == "petition")).all()
        assert sorted(note.user_id for note in notes) == sorted([creator.id, follower.id])
        assert stranger.id not in {note.user_id for note in notes}
        assert notes[0].kind == "milestone"
        assert notes[0].headline == "“Trinkbrunnen am Markt” reached a milestone"
        assert "50" in notes[0].excerpt and "4" in notes[0].excerpt


def test_two_workers_seeing_the_same_crossing_announce_it_once(app, committing, announced):  # noqa: F811
    """Real concurrency on committed rows: the conditional UPDATE lets one of them through."""
    with app.app_context():
        author = make_user()
        petition = Petition(title="Sichere Schulwege", request="Tempo 30.", author_id=author.id,
                            state=PetitionState.OPEN.value, supporter_key="zwei-arbeiter", quorum=10)
        db.session.add(petition)
        db.session.commit()
        petition_id = petition.id
    parallel = 6
    start = threading.Barrier(parallel)
    failures = []

    def worker():
        with app.app_context():
            try:
                start.wait()
                milestones.announce_crossed(petition_id, 5, 10)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert announced == [(petition_id, 50)]
    assert _reached(app, petition_id) == 50
