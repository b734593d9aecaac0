"""A petition's way from draft to the council: supporters, review, open, closed."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core.audit import AuditEntry
from participation.core.content import Visibility
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import services, signing
from participation.petitions.models import NameShown, Petition, PetitionState, RejectionReason
from participation.petitions.services import PetitionRuleError


@pytest.fixture
def people(app, user_factory):
    return user_factory(), user_factory(role="moderator")


@pytest.fixture
def staff(user_factory):
    return user_factory(role="staff")


def draft(app, author, **fields) -> int:
    values = {"title": "Sichere Schulwege in Connewitz", "request": "Tempo 30 vor allen Grundschulen.",
              "background": "Viele Kinder gehen zu Fuß.", "district": "Süd", **fields}
    with app.test_request_context():
        petition = services.create_draft(db.session.merge(author), **values)
        db.session.commit()
        return petition.id


def step(app, petition_id, action, *args, **kwargs):
    with app.test_request_context():
        petition = db.session.get(Petition, petition_id)
        result = action(petition, *args, **kwargs)
        db.session.commit()
        return result


def state(app, petition_id) -> str:
    with app.app_context():
        return db.session.get(Petition, petition_id).state


_supporter_numbers = itertools.count()


def supporters(app, petition_id, how_many: int) -> None:
    for number in itertools.islice(_supporter_numbers, how_many):
        with app.test_request_context():
            signed = signing.sign(db.session.get(Petition, petition_id), name=f"Unterstützerin {number}",
                                  email=f"hilft-{number}@example.org", postcode="04277",
                                  name_shown=NameShown.HIDDEN)
            signing.confirm(signing.confirmation_token(signed.signature_id))
            db.session.commit()


def in_review(app, author) -> int:
    petition_id = draft(app, author)
    step(app, petition_id, services.start_gathering)
    supporters(app, petition_id, 3)
    assert step(app, petition_id, services.submit_when_supported) is True
    return petition_id


def test_a_draft_needs_its_supporters_before_moderation(app, people):
    author, _ = people
    petition_id = draft(app, author)
    step(app, petition_id, services.start_gathering)
    supporters(app, petition_id, 2)
    assert step(app, petition_id, services.submit_when_supported) is False
    assert state(app, petition_id) == PetitionState.GATHERING
    supporters(app, petition_id, 1)
    assert step(app, petition_id, services.submit_when_supported) is True
    assert state(app, petition_id) == PetitionState.IN_REVIEW


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"), ({"title": "x" * 151}, "title"), ({"request": ""}, "request")])
def test_an_incomplete_draft_is_refused_at_its_field(app, people, fields, field):
    author, _ = people
    with pytest.raises(PetitionRuleError) as refused:
        draft(app, author, **fields)
    assert refused.value.field == field
    with app.app_context():
        assert db.session.scalars(select(Petition)).all() == []


def test_approval_opens_it_until_its_deadline_and_is_audited(app, people, staff):
    author, _ = people
    moderator_id = staff.id
    petition_id = in_review(app, author)
    step(app, petition_id, services.approve, staff, days_open=14)
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        assert petition.state == PetitionState.OPEN
        assert timedelta(days=13, hours=23) < petition.closes_at - utcnow() <= timedelta(days=14)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "petition.approved")).one()
        assert (entry.actor_id, entry.object_id) == (moderator_id, petition_id)


@pytest.mark.parametrize("days", [6, 184, 200])
def test_a_deadline_outside_one_week_to_six_months_is_refused(app, people, staff, days):
    author, _ = people
    petition_id = in_review(app, author)
    with pytest.raises(PetitionRuleError) as refused:
        step(app, petition_id, services.approve, staff, days_open=days)
    assert refused.value.field == "days_open"
    assert state(app, petition_id) == PetitionState.IN_REVIEW


def test_an_offensive_petition_is_rejected_and_its_text_hidden(app, people):
    author, moderator = people
    petition_id = in_review(app, author)
    step(app, petition_id, services.reject, moderator, reason=RejectionReason.OFFENSIVE,
         explanation="Der Text beleidigt eine Person.")
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        assert (petition.state, petition.visibility) == (PetitionState.REJECTED, Visibility.HIDDEN)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "petition.rejected")).one()
        assert entry.reason == "Der Text beleidigt eine Person."


def test_a_duplicate_names_the_other_petition_and_stays_visible(app, people, petition_factory):
    author, moderator = people
    first = petition_factory(PetitionState.OPEN)
    petition_id = in_review(app, author)
    with pytest.raises(PetitionRuleError) as refused:
        step(app, petition_id, services.reject, moderator, reason=RejectionReason.DUPLICATE,
             explanation="Gibt es schon.")
    assert refused.value.field == "duplicate_of"
    with app.test_request_context():
        other = db.session.get(Petition, first)
        services.reject(db.session.get(Petition, petition_id), moderator, reason=RejectionReason.DUPLICATE,
                        explanation="Gibt es schon.", duplicate_of=other)
        db.session.commit()
        petition = db.session.get(Petition, petition_id)
        assert (petition.duplicate_of_id, petition.visibility) == (first, Visibility.VISIBLE)


@pytest.mark.parametrize(("quorum", "expected"), [(3, PetitionState.AWAITING_RESPONSE),
                                                   (4, PetitionState.CLOSED)])
def test_at_the_deadline_the_quorum_decides_what_follows(app, people, staff, quorum, expected):
    author, _ = people
    petition_id = in_review(app, author)  # its three supporters have signed
    step(app, petition_id, services.approve, staff, days_open=7, quorum=quorum)
    with app.test_request_context():
        closed = services.close_due(utcnow() + timedelta(days=8))
        db.session.commit()
    assert closed == [petition_id]
    assert state(app, petition_id) == expected


@pytest.fixture
def announced():
    """The kinds of the petition events announced after each commit, in order."""
    from participation.core import events

    heard = []
    kinds = (services.PETITION_SUBMITTED, services.PETITION_ANSWERED)
    listeners = {kind: (lambda event, kind=kind: heard.append((kind, event.subject_id))) for kind in kinds}
    for kind, listener in listeners.items():
        events.subscribe(kind, listener)
    yield heard
    for kind, listener in listeners.items():
        events.unsubscribe(kind, listener)


def test_going_to_moderation_is_dated_and_announced(app, people, announced):
    author, _ = people
    petition_id = in_review(app, author)
    with app.app_context():
        assert db.session.get(Petition, petition_id).submitted_at is not None
    assert announced == [(services.PETITION_SUBMITTED, petition_id)]


def test_the_response_is_announced_once_and_only_answers_a_closed_petition(
        app, staff, announced, petition_factory):
    open_id = petition_factory(PetitionState.OPEN)
    with pytest.raises(PetitionRuleError):
        step(app, open_id, services.respond, staff, "Zu früh.")
    petition_id = petition_factory(PetitionState.AWAITING_RESPONSE)
    step(app, petition_id, services.respond, staff, "Der Rat stimmt zu.", "https://ratsinfo.leipzig.de/")
    step(app, petition_id, services.respond, staff, "Der Rat stimmt zu, ab 2026.")
    assert announced == [(services.PETITION_ANSWERED, petition_id)]
    assert state(app, petition_id) == PetitionState.ANSWERED
