"""The first moderator to open a petition for a decision holds it; a second sees who does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import services
from participation.petitions.models import Petition, PetitionState
from participation.petitions.services import PetitionRuleError
from tests.conftest import csrf_token, login
from tests.petitions.placeholder_routes import linked_routes  # noqa: F401 - autouse


@pytest.fixture
def moderators(app, user_factory):
    """Two moderators, each signed in on a client of their own (English pages)."""
    pairs = []
    for name in ("Mona Moderatorin", "Max Moderator"):
        user, client = user_factory(role="moderator", name=name), app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        login(client, user)
        pairs.append((user, client))
    return pairs


def held(app, petition_id):
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        return petition.held_by_id, petition.held_until


def test_the_second_moderator_sees_who_holds_it_and_cannot_decide(app, moderators, petition_factory):
    (first, first_client), (_, second_client) = moderators
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    page = first_client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "You hold this petition" in page and "Approve and open for signatures" in page
    assert held(app, petition_id)[0] == first.id
    page = second_client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "Held by <bdi>Mona Moderatorin</bdi> until" in page
    assert "Approve and open for signatures" not in page and "Reject the petition" not in page
    queue = second_client.get("/petitionen/moderation").get_data(as_text=True)
    assert "Mona Moderatorin" in queue
    token = csrf_token(second_client, "/petitionen/moderation")
    answer = second_client.post(f"/petitionen/{petition_id}/freigeben", data={"csrf_token": token})
    assert answer.status_code == 422 and "Mona Moderatorin is deciding on this petition right now." in (
        answer.get_data(as_text=True))
    answer = second_client.post(f"/petitionen/{petition_id}/ablehnen", data={
        "csrf_token": token, "reason": "other", "explanation": "Passt nicht."})
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.get(Petition, petition_id).state == PetitionState.IN_REVIEW
    assert held(app, petition_id)[0] == first.id


def test_reopening_renews_the_hold_and_it_expires_after_the_minutes(app, moderators, petition_factory):
    (first, first_client), (second, second_client) = moderators
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    first_client.get(f"/petitionen/{petition_id}/moderation")
    _, until = held(app, petition_id)
    assert timedelta(minutes=9) < until - utcnow() <= timedelta(minutes=10)  # PETITION_HOLD_MINUTES
    with app.app_context():
        db.session.get(Petition, petition_id).held_until = utcnow() + timedelta(minutes=1)
        db.session.commit()
    first_client.get(f"/petitionen/{petition_id}/moderation")
    assert held(app, petition_id)[1] - utcnow() > timedelta(minutes=9)  # renewed
    with app.app_context():
        db.session.get(Petition, petition_id).held_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = second_client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "You hold this petition" in page
    assert held(app, petition_id)[0] == second.id


def test_the_services_refuse_a_decision_by_someone_else_than_the_holder(app, moderators, petition_factory):
    (first, _), (second, _) = moderators
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    with app.test_request_context():
        petition = db.session.get(Petition, petition_id)
        assert services.take_hold(petition, first) is True
        assert services.take_hold(petition, second) is False
        with pytest.raises(PetitionRuleError):
            services.approve(petition, second)
        with pytest.raises(PetitionRuleError):
            services.reject(petition, second, reason="other", explanation="Passt nicht.")
        services.approve(petition, first)  # the holder decides; the hold ends with the decision
        db.session.commit()
        assert (petition.state, petition.held_by_id, petition.held_until) == ("open", None, None)
        assert petition.decided_at is not None


def test_a_decided_petition_is_not_held(app, moderators, petition_factory):
    (first, first_client), _ = moderators
    petition_id = petition_factory(PetitionState.OPEN)
    page = first_client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "This petition has been decided already" in page and "Approve" not in page
    assert held(app, petition_id) == (None, None)
