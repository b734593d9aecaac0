"""Moderators approve or reject petitions; staff set deadlines and quorums, list every petition
and publish the council's response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core.audit import AuditEntry
from participation.core.content import Visibility
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import HIDING_REASONS, Petition, PetitionState, RejectionReason
from tests.conftest import csrf_token
from tests.petitions.placeholder_routes import linked_routes  # noqa: F401 - autouse


@pytest.fixture(autouse=True)
def in_english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def post(client, url, **fields):
    return client.post(url, data={"csrf_token": csrf_token(client, "/impressum"), **fields})


def load(app, petition_id) -> Petition:
    with app.app_context():
        return db.session.get(Petition, petition_id)


def audited(app, action) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return db.session.scalars(query).all()  # in the order written: without ORDER BY, PostgreSQL may not


def test_the_queue_lists_petitions_in_review_the_longest_waiting_first(client, login_as, petition_factory):
    now = utcnow()
    petition_factory(PetitionState.IN_REVIEW, title="Zweite", submitted_at=now - timedelta(days=1))
    petition_factory(PetitionState.IN_REVIEW, title="Erste", submitted_at=now - timedelta(days=3))
    petition_factory(PetitionState.OPEN, title="Schon offen")
    petition_factory(PetitionState.DRAFT, title="Entwurf")
    login_as("moderator")
    page = client.get("/petitionen/moderation").get_data(as_text=True)
    assert page.index("Erste") < page.index("Zweite")
    assert "Schon offen" not in page and "Entwurf" not in page


def test_the_review_page_shows_the_full_text_and_the_supporters(client, login_as, petition_factory):
    petition_id = petition_factory(PetitionState.IN_REVIEW, signatures=3, background="Mit **Nachdruck**.")
    login_as("moderator")
    page = client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "Die Stadt stellt entlang der Hauptwege zwanzig neue Bänke auf." in page
    assert "<strong>Nachdruck</strong>" in page and "<dd>3</dd>" in page
    assert 'name="days_open"' not in page  # moderators approve with the site's deadline


@pytest.mark.parametrize("role", ["resident", None])
def test_residents_and_visitors_do_not_moderate(client, login_as, petition_factory, role):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as(role)
    assert client.get(f"/petitionen/{petition_id}/moderation").status_code in (302, 403)
    assert client.post(f"/petitionen/{petition_id}/freigeben").status_code in (302, 403)
    assert load(client.application, petition_id).state == PetitionState.IN_REVIEW


def test_a_moderator_approves_with_the_site_defaults(app, client, login_as, petition_factory):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    moderator = login_as("moderator")
    client.get(f"/petitionen/{petition_id}/moderation")
    answer = post(client, f"/petitionen/{petition_id}/freigeben")
    assert answer.status_code == 302
    petition = load(app, petition_id)
    assert (petition.state, petition.quorum, petition.held_by_id) == (PetitionState.OPEN, None, None)
    assert timedelta(days=41, hours=23) < petition.closes_at - utcnow() <= timedelta(days=42)
    [entry] = audited(app, "petition.approved")
    assert (entry.actor_id, entry.object_id) == (moderator.id, petition_id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"days_open": "14"}, "Only council staff may change how long a petition collects."),
    ({"quorum": "500"}, "Only council staff may set a quorum of its own."),
])
def test_only_staff_change_the_deadline_and_the_quorum(app, client, login_as, petition_factory,
                                                       fields, message):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("moderator")
    answer = post(client, f"/petitionen/{petition_id}/freigeben", **fields)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert load(app, petition_id).state == PetitionState.IN_REVIEW and audited(app, "petition.approved") == []


def test_staff_set_the_deadline_and_the_quorum(app, client, login_as, petition_factory):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("staff")
    assert 'name="days_open"' in client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    answer = post(client, f"/petitionen/{petition_id}/freigeben", days_open="14", quorum="500")
    assert answer.status_code == 302
    petition = load(app, petition_id)
    assert petition.quorum == 500
    assert timedelta(days=13, hours=23) < petition.closes_at - utcnow() <= timedelta(days=14)


@pytest.mark.parametrize("days", ["6", "184", "abc"])
def test_a_deadline_out_of_range_comes_back_with_its_error(app, client, login_as, petition_factory, days):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("staff")
    answer = post(client, f"/petitionen/{petition_id}/freigeben", days_open=days)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "There is a problem" in page and f'value="{days}"' in page
    assert load(app, petition_id).state == PetitionState.IN_REVIEW


@pytest.mark.parametrize("reason", [r for r in RejectionReason if r is not RejectionReason.DUPLICATE])
def test_every_rejection_reason_and_whether_it_hides_the_text(app, client, login_as, petition_factory,
                                                              reason):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("moderator")
    answer = post(client, f"/petitionen/{petition_id}/ablehnen", reason=reason.value,
                  explanation="Das können wir so nicht veröffentlichen.")
    assert answer.status_code == 302
    petition = load(app, petition_id)
    assert (petition.state, petition.rejection_reason) == (PetitionState.REJECTED, reason.value)
    assert petition.rejection_explanation == "Das können wir so nicht veröffentlichen."
    hidden = Visibility.HIDDEN if reason in HIDING_REASONS else Visibility.VISIBLE
    assert petition.visibility == hidden and petition.decided_at is not None
    [entry] = audited(app, "petition.rejected")
    assert entry.after["reason"] == reason.value


def test_a_duplicate_needs_the_public_petition_it_repeats(app, client, login_as, petition_factory):
    original = petition_factory(PetitionState.OPEN, title="Das Original")
    draft = petition_factory(PetitionState.DRAFT, title="Ein privater Entwurf")
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("moderator")
    page = client.get(f"/petitionen/{petition_id}/moderation").get_data(as_text=True)
    assert "Das Original" in page and "Ein privater Entwurf" not in page
    for target in ("", str(draft)):
        answer = post(client, f"/petitionen/{petition_id}/ablehnen", reason="duplicate",
                      explanation="Gibt es schon.", duplicate_of=target)
        assert answer.status_code == 422
        assert "Please name the public petition this one duplicates." in answer.get_data(as_text=True)
        assert load(app, petition_id).state == PetitionState.IN_REVIEW
    answer = post(client, f"/petitionen/{petition_id}/ablehnen", reason="duplicate",
                  explanation="Gibt es schon.", duplicate_of=str(original))
    assert answer.status_code == 302
    petition = load(app, petition_id)
    assert (petition.duplicate_of_id, petition.visibility) == (original, Visibility.VISIBLE)


@pytest.mark.parametrize(("fields", "message"), [
    ({"reason": "other", "explanation": ""}, "Please fill in this field."),
    ({"explanation": "Ohne Grund."}, "Please fill in this field."),
    ({"reason": "gefällt mir nicht", "explanation": "Nein."}, "Not a valid choice."),
])
def test_a_rejection_needs_a_reason_and_an_explanation(app, client, login_as, petition_factory,
                                                       fields, message):
    petition_id = petition_factory(PetitionState.IN_REVIEW)
    login_as("moderator")
    answer = post(client, f"/petitionen/{petition_id}/ablehnen", **fields)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert load(app, petition_id).state == PetitionState.IN_REVIEW


def test_staff_list_every_petition_but_drafts_and_filter_by_state(client, login_as, petition_factory):
    petition_factory(PetitionState.OPEN, title="Offen gesammelt")
    petition_factory(PetitionState.AWAITING_RESPONSE, title="Wartet auf Antwort")
    petition_factory(PetitionState.DRAFT, title="Privater Entwurf")
    login_as("staff")
    page = client.get("/staff/petitionen").get_data(as_text=True)
    assert "Offen gesammelt" in page and "Wartet auf Antwort" in page and "Privater Entwurf" not in page
    assert "Publish the response" in page and "/unterschriften" in page
    page = client.get("/staff/petitionen?state=open").get_data(as_text=True)
    assert "Offen gesammelt" in page and "Wartet auf Antwort" not in page


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_only_staff_manage_and_respond(client, login_as, petition_factory, role):
    petition_id = petition_factory(PetitionState.AWAITING_RESPONSE)
    login_as(role)
    assert client.get("/staff/petitionen").status_code == 403
    assert client.get(f"/petitionen/{petition_id}/antwort").status_code == 403
    assert post(client, f"/petitionen/{petition_id}/antwort", response="Ja.").status_code == 403
    assert load(client.application, petition_id).state == PetitionState.AWAITING_RESPONSE


def test_staff_publish_the_response_and_correct_it(app, client, login_as, petition_factory):
    petition_id = petition_factory(PetitionState.AWAITING_RESPONSE)
    staff = login_as("staff")
    url = f"/petitionen/{petition_id}/antwort"
    answer = post(client, url, response="Der Rat hat **zugestimmt**.",
                  response_url="https://ratsinfo.leipzig.de/bi/vo0050.asp?__kvonr=1")
    assert answer.status_code == 302
    petition = load(app, petition_id)
    assert (petition.state, petition.response) == (PetitionState.ANSWERED, "Der Rat hat **zugestimmt**.")
    answered_at = petition.answered_at
    assert answered_at is not None
    assert "Der Rat hat **zugestimmt**." in client.get(url).get_data(as_text=True)  # filled in to edit
    assert post(client, url, response="Der Rat hat zugestimmt, ab 2026.", response_url="").status_code == 302
    petition = load(app, petition_id)
    assert (petition.response_url, petition.answered_at) == (None, answered_at)
    entries = audited(app, "petition.answered")
    assert [e.actor_id for e in entries] == [staff.id, staff.id]
    assert entries[1].before["response"] == "Der Rat hat **zugestimmt**."


@pytest.mark.parametrize(("fields", "message"), [
    ({"response": ""}, "Please fill in this field."),
    ({"response": "Ja.", "response_url": "javascript:alert(1)"}, "Please give a web address starting with"),
    ({"response": "Ja.", "response_url": "ratsinfo.leipzig.de"}, "Please give a web address starting with"),
])
def test_a_response_needs_text_and_a_web_link(app, client, login_as, petition_factory, fields, message):
    petition_id = petition_factory(PetitionState.AWAITING_RESPONSE)
    login_as("staff")
    answer = post(client, f"/petitionen/{petition_id}/antwort", **fields)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert load(app, petition_id).state == PetitionState.AWAITING_RESPONSE
    assert audited(app, "petition.answered") == []


def test_an_open_petition_cannot_be_answered_yet(client, login_as, petition_factory):
    petition_id = petition_factory(PetitionState.OPEN)
    login_as("staff")
    assert client.get(f"/petitionen/{petition_id}/antwort").status_code == 404
