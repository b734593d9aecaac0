"""What the creator and the followers of a petition hear: opened, rejected, closed, answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core import events
from participation.extensions import db
from participation.notifications import petitions as petition_notifications
from participation.notifications.models import Follow, Notification
from participation.petitions import services
from participation.petitions.models import Petition, PetitionState, RejectionReason
from tests.petitions.stand_ins import ensure_petition_page, ensure_petition_target


@pytest.fixture(autouse=True)
def _wiring(app, monkeypatch):
    ensure_petition_page(app)
    ensure_petition_target(monkeypatch)


@pytest.fixture
def people(app, user_factory, petition_factory):
    """A petition in review with its creator, a follower, a moderator and someone unrelated."""
    creator, follower, moderator, stranger = (user_factory(), user_factory(), user_factory(role="moderator"),
                                              user_factory())
    petition_id = petition_factory(state=PetitionState.IN_REVIEW, author=creator,
                                   title="Trinkbrunnen am Markt")
    with app.app_context():
        db.session.add(Follow(user_id=follower.id, target_type="petition", target_id=petition_id))
        db.session.commit()
    return petition_id, creator, follower, moderator, stranger


def _notes(app, petition_id):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        notes = db.session.scalars(
            select(Notification)
            .where(Notification.target_type == "petition", Notification.target_id == petition_id)
        ).all()
        return {(note.user_id, note.kind, note.headline, note.excerpt) for note in notes}


def _decide(app, petition_id, decision, **options):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        petition = db.session.get(Petition, petition_id)
        decision(petition, **options)
        db.session.commit()


def test_an_opened_petition_tells_creator_and_followers_not_the_moderator(app, people):
    petition_id, creator, follower, moderator, stranger = people
    with app.app_context():
        moderator_row = db.session.get(type(moderator), moderator.id)
    _decide(app, petition_id, services.approve, moderator=moderator_row)
    notes = _notes(app, petition_id)
    assert {note[0] for note in notes} == {creator.id, follower.id}
    assert {note[1] for note in notes} == {"status"}
    assert {note[2] for note in notes} == {"New status for “Trinkbrunnen am Markt”"}


def test_a_rejection_tells_the_creator_alone_with_the_reason(app, people):
    petition_id, creator, _follower, moderator, _stranger = people
    with app.app_context():
        moderator_row = db.session.get(type(moderator), moderator.id)
    _decide(app, petition_id, services.reject, moderator=moderator_row, reason=RejectionReason.NO_REQUEST,
            explanation="Bitte sagen Sie, was der Rat beschließen soll.")
    [(user_id, kind, _headline, excerpt)] = _notes(app, petition_id)
    assert (user_id, kind) == (creator.id, "status")
    assert excerpt.endswith("Bitte sagen Sie, was der Rat beschließen soll.")


def test_a_closed_petition_tells_everyone_following(app, people):
    petition_id, creator, follower, _moderator, _stranger = people
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        petition.state = PetitionState.OPEN.value
        petition.closes_at = petition.submitted_at  # passed
        db.session.commit()
    with app.test_request_context():
        assert services.close_due() == [petition_id]
        db.session.commit()
    notified = {(note[0], note[1]) for note in _notes(app, petition_id)}
    assert notified == {(creator.id, "status"), (follower.id, "status")}


def test_an_answer_tells_everyone_following_with_its_text(app, people):
    petition_id, creator, follower, _moderator, _stranger = people
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        petition.state, petition.response = PetitionState.ANSWERED.value, "Der Rat baut **zwei** Brunnen."
        db.session.commit()
    answered = events.Event("petition.answered", None, "petition", petition_id)
    with app.test_request_context():
        petition_notifications.petition_answered(answered)  # the job, as the answer's event runs it
        petition_notifications.petition_answered(answered)  # run twice: nobody notified twice
        db.session.commit()
    notes = _notes(app, petition_id)
    assert {(note[0], note[1]) for note in notes} == {(creator.id, "response"), (follower.id, "response")}
    assert {note[3] for note in notes} == {"Der Rat baut zwei Brunnen."}


def test_only_declared_petition_events_are_subscribed():
    for kind in petition_notifications.HANDLERS:
        assert (kind in events.KINDS) == bool(events.subscribers(kind)), kind
