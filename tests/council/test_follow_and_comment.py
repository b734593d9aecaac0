"""Residents follow a meeting, a committee or a paper and comment on papers: a meeting's
followers hear when its session begins live, a paper's followers of new comments; deleted
papers take no comments."""

from __future__ import annotations

from sqlalchemy import select

from participation.comments.models import Comment
from participation.council import live_services as live
from participation.council.models import Meeting, Paper
from participation.extensions import db
from participation.notifications.models import Follow, Notification
from tests.conftest import csrf_token, login


def follow(client, target_type: str, target_id: int, page: str):
    return client.post(
        f"/folgen/{target_type}/{target_id}", data={"csrf_token": csrf_token(client, page), "follow": "1"}
    )


def test_the_followers_of_a_meeting_hear_when_its_session_begins(client, app, council, user_factory):
    resident = user_factory(role="resident")
    staff = user_factory(role="staff")
    login(client, resident)
    page = f"/rat/sitzungen/{council.next_meeting}"
    assert 'action="/folgen/council_meeting/' in client.get(page).get_data(as_text=True)
    assert follow(client, "council_meeting", council.next_meeting, page).status_code == 302
    with app.test_request_context():
        session = live.session_for(db.session.get(Meeting, council.next_meeting))
        live.set_state(session, live.LiveState.RUNNING, db.session.merge(staff))
        db.session.commit()
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.user_id == resident.id)).all()
        assert [(note.target_type, note.target_id) for note in notes] == [
            ("council_meeting", council.next_meeting)
        ]


def test_residents_follow_committees_and_comment_on_papers(client, app, council, user_factory):
    reader = user_factory(role="resident")
    writer = user_factory(role="resident")
    login(client, reader)
    organization_page = f"/rat/gremien/{council.committee}"
    assert follow(client, "council_organization", council.committee, organization_page).status_code == 302
    paper_page = f"/rat/vorlagen/{council.paper}"
    assert follow(client, "council_paper", council.paper, paper_page).status_code == 302

    login(client, writer)
    posted = client.post(
        f"/kommentare/council_paper/{council.paper}",
        data={
            "csrf_token": csrf_token(client, paper_page),
            "body": "Der Radweg in der Karl-Liebknecht-Straße ist überfällig.",
        },
    )
    assert posted.status_code == 302
    assert "Der Radweg in der Karl-Liebknecht-Straße ist überfällig." in client.get(paper_page).get_data(
        as_text=True
    )
    with app.app_context():
        follows = {
            (f.target_type, f.target_id)
            for f in db.session.scalars(
                select(Follow).where(Follow.user_id == reader.id, Follow.active.is_(True))
            )
        }
        assert follows == {("council_organization", council.committee), ("council_paper", council.paper)}
        told = db.session.scalars(select(Notification).where(Notification.user_id == reader.id)).all()
        assert [(note.target_type, note.target_id) for note in told] == [("council_paper", council.paper)]


def test_a_deleted_paper_takes_no_comments(client, app, council, user_factory):
    login(client, user_factory(role="resident"))
    token = csrf_token(client, f"/rat/vorlagen/{council.paper}")
    answer = client.post(
        f"/kommentare/council_paper/{council.deleted_paper}",
        data={
            "csrf_token": token,
            "body": "Noch ein Kommentar.",
        },
    )
    assert answer.status_code in (403, 404, 410)
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.target_id == council.deleted_paper)) is None
        assert db.session.get(Paper, council.deleted_paper).deleted


def test_meetings_take_followers_but_no_comments(client, council, user_factory):
    login(client, user_factory(role="resident"))
    page = client.get(f"/rat/sitzungen/{council.next_meeting}").get_data(as_text=True)
    assert "/kommentare/council_meeting/" not in page
    token = csrf_token(client, f"/rat/sitzungen/{council.next_meeting}")
    answer = client.post(
        f"/kommentare/council_meeting/{council.next_meeting}",
        data={
            "csrf_token": token,
            "body": "Kommentar zur Sitzung",
        },
    )
    assert answer.status_code == 404
