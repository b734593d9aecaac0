"""Staff mark accessibility feedback as handled (or open again); each step is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.pages.models import AccessibilityFeedback
from tests.conftest import csrf_token

MESSAGE = "Die Karte lässt sich mit der Tastatur nicht verschieben."
NOTE = "Pfeiltasten verschieben die Karte jetzt."


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # assertions on text, whatever the catalogs say


def send_feedback(app, client) -> int:
    client.post("/barrierefreiheit", data={"csrf_token": csrf_token(client, "/barrierefreiheit"),
                                          "message": MESSAGE})
    with app.app_context():
        return db.session.scalars(select(AccessibilityFeedback.id)).one()


def handled_at(app, feedback_id: int):
    with app.app_context():
        return db.session.get(AccessibilityFeedback, feedback_id).handled_at


def test_staff_handle_feedback_with_a_note_and_it_leaves_the_open_list(app, client, login_as):
    feedback_id = send_feedback(app, client)
    staff = login_as("staff")
    assert MESSAGE in client.get("/staff/feedback").get_data(as_text=True)
    response = client.post(
        f"/staff/feedback/{feedback_id}/erledigt",
        data={"csrf_token": csrf_token(client, "/staff/feedback"), "note": NOTE},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The feedback is marked as handled." in page
    assert MESSAGE not in page  # back on the open list, where it is no longer
    handled = client.get("/staff/feedback?zeigen=erledigt").get_data(as_text=True)
    assert MESSAGE in handled and NOTE in handled
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "feedback.handled")).one()
        assert (entry.actor_id, entry.object_type, entry.object_id) == (
            staff.id, "accessibility_feedback", feedback_id)
        assert entry.reason == NOTE
        assert entry.before == {"handled": False, "note": None}
        assert entry.after == {"handled": True, "note": NOTE}


def test_handled_feedback_can_be_opened_again(app, client, login_as):
    feedback_id = send_feedback(app, client)
    login_as("staff")
    token = csrf_token(client, "/staff/feedback")
    client.post(f"/staff/feedback/{feedback_id}/erledigt", data={"csrf_token": token, "note": ""})
    assert MESSAGE not in client.get("/staff/feedback").get_data(as_text=True)
    client.post(f"/staff/feedback/{feedback_id}/wieder-offen", data={"csrf_token": token})
    assert MESSAGE in client.get("/staff/feedback").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["feedback.handled", "feedback.reopened"]


def test_residents_cannot_handle_feedback(app, client, login_as):
    feedback_id = send_feedback(app, client)
    login_as("resident")
    token = csrf_token(client, "/barrierefreiheit")
    response = client.post(f"/staff/feedback/{feedback_id}/erledigt", data={"csrf_token": token})
    assert response.status_code == 403
    assert handled_at(app, feedback_id) is None


def test_a_too_long_note_changes_nothing(app, client, login_as):
    feedback_id = send_feedback(app, client)
    login_as("staff")
    response = client.post(
        f"/staff/feedback/{feedback_id}/erledigt",
        data={"csrf_token": csrf_token(client, "/staff/feedback"), "note": "x" * 2001},
        follow_redirects=True,
    )
    assert "at most 2,000 characters" in response.get_data(as_text=True)
    assert handled_at(app, feedback_id) is None
