"""The queue: filtered by place, and several cases decided at once with the same reasons."""

from __future__ import annotations

from flask_caching.backends import SimpleCache

from participation.extensions import cache
from tests.conftest import csrf_token
from tests.moderation.conftest import comment_state, send_report, signed_in, the_case

BULK = "/moderation/sammelentscheidung"


def test_the_queue_filters_by_place(app, user_factory, posted):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    case = the_case(app, posted.comment_id)
    assert (case.place_type, case.place_id) != (None, None)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    page = moderator.get("/moderation/").get_data(as_text=True)
    assert f'value="{case.place_type}:{case.place_id}"' in page and "Radweg Jahnallee (1)" in page
    here = moderator.get(f"/moderation/?place={case.place_type}:{case.place_id}").get_data(as_text=True)
    assert f"/moderation/faelle/{case.id}" in here
    elsewhere = moderator.get(f"/moderation/?place={case.place_type}:{case.place_id + 999}")
    assert f"/moderation/faelle/{case.id}" not in elsewhere.get_data(as_text=True)


def test_several_cases_are_hidden_at_once_and_each_author_is_told(app, user_factory, posted, outbox):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    case = the_case(app, posted.comment_id)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    outbox.clear()
    response = moderator.post(
        BULK,
        data={
            "csrf_token": csrf_token(moderator, "/moderation/"),
            "case_ids": [str(case.id)],
            "action": "hide",
            "reason_category": "insult",
            "rule": "Nutzungsbedingungen § 4",
            "facts": "Beleidigt andere Teilnehmende.",
        },
    )
    assert response.status_code == 302
    assert comment_state(app, posted.comment_id) == ("hidden", "insult")
    assert posted.author_email in {m["To"] for m in outbox.messages}


def test_a_bulk_decision_without_selection_or_reason_comes_back_filled_in(app, user_factory, posted):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    case = the_case(app, posted.comment_id)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    token = csrf_token(moderator, "/moderation/")
    no_selection = moderator.post(
        BULK, data={"csrf_token": token, "action": "dismiss", "rule": "§ 4", "facts": "Zulässig."}
    )
    assert no_selection.status_code == 422 and "Zulässig." in no_selection.get_data(as_text=True)
    no_reason = moderator.post(
        BULK,
        data={
            "csrf_token": token,
            "case_ids": [str(case.id)],
            "action": "hide",
            "rule": "§ 4",
            "facts": "X.",
        },
    )
    assert no_reason.status_code == 422
    assert f'id="select-case-{case.id}" name="case_ids" value="{case.id}" form="bulk-form" checked' in (
        no_reason.get_data(as_text=True)
    )  # the selection is kept
    assert comment_state(app, posted.comment_id)[0] == "visible"


def test_a_case_another_moderator_holds_is_skipped_and_named(app, user_factory, posted):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    case = the_case(app, posted.comment_id)
    holder = signed_in(app, user_factory, role="moderator")[0]
    holder.get(f"/moderation/faelle/{case.id}")
    other = signed_in(app, user_factory, role="moderator")[0]
    response = other.post(
        BULK,
        data={
            "csrf_token": csrf_token(other, "/moderation/"),
            "case_ids": [str(case.id)],
            "action": "dismiss",
            "rule": "§ 4",
            "facts": "Zulässig.",
        },
        follow_redirects=True,
    )
    assert f"{case.id}" in response.get_data(as_text=True)
    assert the_case(app, posted.comment_id).state == "open"


def test_the_dashboard_figures_follow_new_reports_with_a_real_cache(app, user_factory, posted, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())  # the suite's cache keeps nothing
    moderator = signed_in(app, user_factory, role="moderator")[0]
    assert '<dd id="open-total">0</dd>' in moderator.get("/moderation/").get_data(as_text=True)
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    assert '<dd id="open-total">1</dd>' in moderator.get("/moderation/").get_data(as_text=True)


def test_a_case_shows_the_thread_around_a_comment(app, user_factory, posted):
    from participation.comments import services as comments
    from participation.comments.models import Comment
    from participation.core import targets
    from participation.extensions import db

    with app.test_request_context():
        parent = db.session.get(Comment, posted.comment_id)
        target = targets.resolve(parent.target_type, parent.target_id)
        comments.add_reply(target, parent, db.session.merge(user_factory()), "Bitte bleiben Sie sachlich.")
        db.session.commit()
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    page = moderator.get(f"/moderation/faelle/{the_case(app, posted.comment_id).id}").get_data(as_text=True)
    assert "Bitte bleiben Sie sachlich." in page
