"""Ideas take part through their registration: comments, follows and the city's answer."""
# ruff: noqa: F811 - the consultations fixtures are imported and then requested by name

from sqlalchemy import select

from participation.consultations.models import IdeaStatus
from participation.extensions import db
from participation.notifications.models import Notification
from tests.conftest import csrf_token, login
from tests.consultations.conftest import make_consultation, make_idea  # noqa: F401 - fixtures


def test_idea_page_has_comments_and_a_follow_button(client, make_consultation, make_idea, login_as):
    consultation = make_consultation()
    idea = make_idea(consultation)
    url = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    login_as("resident")
    token = csrf_token(client, url)
    response = client.post(f"/kommentare/idea/{idea.id}", data={"csrf_token": token, "body": "Gute Idee!"})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Gute Idee!" in html and f'id="follow-button-idea-{idea.id}"' in html
    show = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert f'id="follow-button-consultation-{consultation.id}"' in show


def test_comments_close_with_the_consultation(client, make_consultation, make_idea, login_as):
    consultation = make_consultation(state="closed")
    idea = make_idea(consultation)
    login_as("resident")
    token = csrf_token(client, "/barrierefreiheit")
    response = client.post(f"/kommentare/idea/{idea.id}", data={"csrf_token": token, "body": "Zu spät"})
    assert response.status_code == 422


def test_answer_notifies_followers_and_the_author_without_a_second_mail(
    client,
    app,
    make_consultation,
    make_idea,
    user_factory,
    outbox,
):
    from participation.consultations import services

    consultation = make_consultation()
    author, follower = user_factory(), user_factory()
    idea = make_idea(consultation, author=author)
    login(client, follower)
    client.post(
        f"/folgen/idea/{idea.id}", data={"csrf_token": csrf_token(client, "/barrierefreiheit"), "follow": "1"}
    )
    outbox.clear()
    with app.test_request_context():
        staff = db.session.merge(user_factory(role="staff"))
        services.answer_idea(
            db.session.merge(idea), staff, status=IdeaStatus.ACCEPTED, response="Machen wir."
        )
        db.session.commit()
        rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert {(r.user_id, r.kind) for r in rows} == {(author.id, "response"), (follower.id, "response")}
    to_author = [m for m in outbox.messages if m["To"] == author.email]
    assert len(to_author) == 1  # the consultations mail only
    assert any(m["To"] == follower.email for m in outbox.messages)
