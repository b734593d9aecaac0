"""What the features' committed events publish, and what they never do."""

from __future__ import annotations

import pytest

from participation.consultations import services
from participation.consultations.models import Idea
from participation.core import events
from participation.extensions import db
from participation.notifications.models import Notification
from participation.notifications.services import NOTIFICATION_CREATED
from tests.conftest import csrf_token
from tests.consultations.conftest import AREA  # noqa: F401 - the ideas lie inside it


@pytest.fixture(autouse=True)
def _uploads(upload_storage):
    return upload_storage


def _published(broker, topic):
    return [(m.event, m.data) for m in broker.backlog([topic], 0).messages]


def _post_idea(client, consultation):
    url = f"/beteiligung/{consultation.slug}/ideen/neu"
    data = {"csrf_token": csrf_token(client, url), "title": "Tempo 30", "body": "Zu schnell.",
            "kind": "point", "positions": "51.330, 12.325", "category": ""}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_new_idea_is_announced_on_its_consultation(broker, client, login_as, make_consultation, app):
    consultation = make_consultation()
    login_as("resident")
    response = _post_idea(client, consultation)
    assert response.status_code == 302
    with app.app_context():
        idea_id = db.session.scalar(db.select(Idea.id))
    assert _published(broker, f"consultation:{consultation.id}") == [
        ("idea", {"topic": f"consultation:{consultation.id}", "idea_id": idea_id, "change": "created"})
    ]


def test_edits_and_answers_are_announced(broker, app, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    idea = make_idea(consultation)
    staff = user_factory(role="staff")
    with app.test_request_context():
        stored = db.session.get(Idea, idea.id)
        services.save_idea(stored, stored.consultation, author=stored.author, title="Neu", body="Neu",
                           category=None, geometry=stored.geometry, photo=None, photo_description=None)
        db.session.commit()
        services.answer_idea(db.session.get(Idea, idea.id), staff, status=services.IdeaStatus.ACCEPTED,
                             response="Machen wir.")
        db.session.commit()
    changes = [data["change"] for _, data in _published(broker, f"consultation:{consultation.id}")]
    assert changes == ["updated", "answered"]


def test_events_carry_no_text_a_person_wrote(broker, app, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    idea = make_idea(consultation, title="<script>alert(1)</script>")
    with app.test_request_context():
        services.answer_idea(db.session.get(Idea, idea.id), user_factory(role="staff"),
                             status=services.IdeaStatus.ACCEPTED, response="<b>Antwort</b>")
        db.session.commit()
    ((_, data),) = _published(broker, f"consultation:{consultation.id}")
    assert set(data) == {"topic", "idea_id", "change"}


@pytest.mark.parametrize("visibility", ["hidden", "pending", "deleted"])
def test_ideas_the_public_cannot_see_are_not_announced(broker, app, make_consultation, make_idea,
                                                       user_factory, visibility):
    consultation = make_consultation()
    idea = make_idea(consultation, visibility=visibility)
    with app.test_request_context():
        services.answer_idea(db.session.get(Idea, idea.id), user_factory(role="staff"),
                             status=services.IdeaStatus.ACCEPTED, response="")
        db.session.commit()
    assert _published(broker, f"consultation:{consultation.id}") == []


def test_nothing_is_announced_from_a_draft(broker, app, make_consultation, make_idea, user_factory):
    draft = make_consultation(state="draft")
    idea = make_idea(draft)
    with app.test_request_context():
        services.answer_idea(db.session.get(Idea, idea.id), user_factory(role="staff"),
                             status=services.IdeaStatus.ACCEPTED, response="")
        db.session.commit()
    assert _published(broker, f"consultation:{draft.id}") == []


def test_a_rolled_back_change_announces_nothing(broker, app, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    idea = make_idea(consultation)
    with app.test_request_context():
        services.answer_idea(db.session.get(Idea, idea.id), user_factory(role="staff"),
                             status=services.IdeaStatus.ACCEPTED, response="Vielleicht")
        db.session.flush()
        assert _published(broker, f"consultation:{consultation.id}") == []  # not before the commit
        db.session.rollback()
        db.session.commit()
    assert _published(broker, f"consultation:{consultation.id}") == []


def test_a_failed_request_announces_nothing(broker, client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    url = f"/beteiligung/{consultation.slug}/ideen/neu"
    data = {"csrf_token": csrf_token(client, url), "title": "Weit weg", "body": "Draußen.",
            "kind": "point", "positions": "51.400, 12.400", "category": ""}  # outside the area
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 422
    assert _published(broker, f"consultation:{consultation.id}") == []


def test_new_notifications_send_the_unread_count(broker, app, user_factory):
    reader, other = user_factory(), user_factory()
    with app.test_request_context():
        for _ in range(2):
            db.session.add(Notification(user_id=reader.id, kind="comment", target_type="idea", target_id=1,
                                        title="Eine Idee", excerpt="", link="/"))
        events.emit(NOTIFICATION_CREATED, user_ids=[reader.id, other.id, reader.id])
        db.session.commit()
    assert _published(broker, f"user:{reader.id}") == [
        ("notifications", {"topic": f"user:{reader.id}", "unread": 2})
    ]
    assert _published(broker, f"user:{other.id}") == [
        ("notifications", {"topic": f"user:{other.id}", "unread": 0})
    ]


def test_a_comment_on_an_idea_updates_its_authors_counter(broker, app, make_consultation, make_idea,
                                                          user_factory):
    from participation.comments import services as comments
    from participation.core import targets

    author = user_factory()
    idea = make_idea(make_consultation(), author=author)
    with app.test_request_context():
        commenter = db.session.merge(user_factory())
        comments.add_comment(targets.resolve("idea", idea.id), commenter, "Gute Idee!", None)
        db.session.commit()  # the notification job runs (at once in the tests) and announces it
    assert _published(broker, f"user:{author.id}") == [
        ("notifications", {"topic": f"user:{author.id}", "unread": 1})
    ]
