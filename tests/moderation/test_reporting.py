"""Anyone reports content with a reason (DSA Art. 16); one report per person; at three
different reporters the content is hidden until a moderator decides."""

from __future__ import annotations

from participation.comments import services as comments
from participation.comments.models import Comment
from participation.core import targets
from participation.extensions import db
from participation.moderation.models import Report
from tests.moderation.conftest import comment_state, send_report, signed_in, the_case


def test_a_visitor_without_account_reports_a_comment(app, posted):
    client = app.test_client()
    page = client.get(posted.project_path).get_data(as_text=True)
    assert f"/melden/comment/{posted.comment_id}" in page  # every comment has its report link
    response = send_report(client, posted.comment_id, contact_email="melder@example.org")
    assert response.status_code == 200
    assert "Ihre Meldung ist eingegangen" in response.get_data(as_text=True)
    case = the_case(app, posted.comment_id)
    assert case.state == "open" and case.report_count == 1
    with app.app_context():
        report = db.session.scalar(db.select(Report))
        assert report.reporter_id is None and report.contact_email == "melder@example.org"
        assert "127.0.0.1" not in report.reporter_key  # only a keyed hash of the address


def test_a_second_report_by_the_same_person_counts_once(app, posted, user_factory):
    client, _ = signed_in(app, user_factory)
    send_report(client, posted.comment_id)
    again = send_report(client, posted.comment_id, reason="spam")
    assert "bereits gemeldet" in again.get_data(as_text=True)
    assert the_case(app, posted.comment_id).report_count == 1


def test_bad_input_comes_back_filled_in_and_writes_nothing(app, posted):
    client = app.test_client()
    response = send_report(
        client, posted.comment_id, reason="illegal", explanation="Das ist strafbar, §130 StGB."
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "sagen Sie, wo genau" in body or "wo genau" in body  # where the illegal content is
    assert "Das ist strafbar, §130 StGB." in body  # nothing typed is lost
    assert the_case(app, posted.comment_id) is None


def test_illegal_content_needs_where_why_and_good_faith(app, posted):
    client = app.test_client()
    response = send_report(
        client,
        posted.comment_id,
        reason="illegal",
        illegal_location="Der ganze Kommentar",
        illegal_grounds="Beleidigung nach § 185 StGB",
        good_faith="y",
    )
    assert response.status_code == 200
    with app.app_context():
        report = db.session.scalar(db.select(Report))
        assert report.good_faith and report.illegal_grounds == "Beleidigung nach § 185 StGB"


def test_three_different_reporters_hide_the_comment_until_a_decision(app, posted, user_factory):
    reply_to_the_comment(app, posted, user_factory)  # a placeholder stands above visible replies
    for _ in range(2):
        send_report(signed_in(app, user_factory)[0], posted.comment_id)
    assert comment_state(app, posted.comment_id)[0] == "visible"
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    assert comment_state(app, posted.comment_id) == ("hidden", "reports")
    page = app.test_client().get(posted.project_path).get_data(as_text=True)
    assert "Ihr seid alle Idioten" not in page
    assert "Ausgeblendet, während die Moderation Meldungen dazu prüft." in page
    assert "Bitte bleiben Sie sachlich." in page


def reply_to_the_comment(app, posted, user_factory) -> None:
    with app.test_request_context():
        parent = db.session.get(Comment, posted.comment_id)
        target = targets.resolve(parent.target_type, parent.target_id)
        comments.add_reply(target, parent, db.session.merge(user_factory()), "Bitte bleiben Sie sachlich.")
        db.session.commit()


def test_nobody_reports_what_does_not_exist(app, posted):
    assert app.test_client().get("/melden/comment/999999").status_code == 404
    assert app.test_client().get(f"/melden/user/{posted.author_id}").status_code == 404
