"""Removing a passage, warning and blocking the author: each with its reasons, told to the
author, audited; blocked people cannot write until the block ends or an appeal lifts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.comments.models import Comment
from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.moderation.models import Decision
from tests.conftest import csrf_token, login
from tests.moderation.conftest import comment_state, decide, send_report, signed_in, the_case


@pytest.fixture
def case(app, posted, user_factory):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    return the_case(app, posted.comment_id)


@pytest.fixture
def moderator(app, user_factory):
    return signed_in(app, user_factory, role="moderator")[0]


def author_client(app, posted):
    client = app.test_client()
    with app.app_context():
        login(client, db.session.get(User, posted.author_id))
    return client


def statement_to(outbox, address: str) -> str:
    return {m["To"]: m.get_content() for m in outbox.messages}[address]


def test_removing_a_passage_keeps_the_rest_public_and_the_original_in_the_audit(
    app, posted, case, moderator, outbox
):
    done = decide(moderator, case.id, action="redact", reason_category="", passage="alle Idioten")
    assert done.status_code == 302
    with app.app_context():
        comment = db.session.get(Comment, posted.comment_id)
        assert comment.body == "Ihr seid […], ehrlich." and "Idioten" not in comment.body_html
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.redact"))
        assert "Ihr seid alle Idioten, ehrlich." in entry.before["text"]
    page = app.test_client().get(posted.project_path).get_data(as_text=True)
    assert "Ihr seid […], ehrlich." in page
    assert "[…]" in statement_to(outbox, posted.author_email)


def test_a_passage_that_is_not_in_the_post_is_refused(app, posted, case, moderator):
    response = decide(moderator, case.id, action="redact", reason_category="", passage="Telefonnummer 0341")
    assert response.status_code == 422
    assert "Telefonnummer 0341" in response.get_data(as_text=True)  # kept for another try
    assert the_case(app, posted.comment_id).state == "open"


def test_a_warning_leaves_the_post_and_tells_the_author(app, posted, case, moderator, outbox):
    assert decide(moderator, case.id, action="warn", reason_category="").status_code == 302
    assert comment_state(app, posted.comment_id) == ("visible", None)
    statement = statement_to(outbox, posted.author_email)
    assert "Nutzungsbedingungen § 4" in statement and "Dies ist eine Verwarnung" in statement


def test_a_blocked_author_cannot_write_until_an_appeal_lifts_the_block(
    app, posted, case, moderator, user_factory, outbox
):
    done = decide(moderator, case.id, action="block", block_days="30")
    assert done.status_code == 302
    assert comment_state(app, posted.comment_id) == ("hidden", "insult")
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        author = db.session.get(User, posted.author_id)
        assert author.is_blocked and decision.blocked_until is not None
        assert 29 <= (decision.blocked_until - decision.created_at).days <= 30
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.blocked"))
    assert "Ihr Konto ist bis zum" in statement_to(outbox, posted.author_email)  # with the date
    client = author_client(app, posted)
    project_page = client.get(posted.project_path).get_data(as_text=True)
    assert "Ihr Konto ist von der Moderation gesperrt" in project_page  # said instead of the form
    with app.app_context():
        project_id = db.session.get(Comment, posted.comment_id).target_id
    url = f"/kommentare/project/{project_id}"
    refused = client.post(
        url, data={"csrf_token": csrf_token(client, posted.project_path), "body": "Trotzdem!"}
    )
    assert refused.status_code == 422
    assert "gesperrt" in refused.get_data(as_text=True)
    statement_url = f"/moderation/entscheidungen/{decision.id}"
    appealed = client.post(
        statement_url,
        data={"csrf_token": csrf_token(client, statement_url), "text": "Ich entschuldige mich."},
    )
    assert appealed.status_code == 302
    with app.app_context():
        from participation.moderation.models import Appeal

        appeal_id = db.session.scalar(select(Appeal.id))
    other = signed_in(app, user_factory, role="staff")[0]
    appeal_url = f"/moderation/beschwerden/{appeal_id}"
    other.post(
        appeal_url,
        data={"csrf_token": csrf_token(other, appeal_url), "outcome": "reversed", "explanation": "Einmalig."},
    )
    with app.app_context():
        assert not db.session.get(User, posted.author_id).is_blocked
    assert comment_state(app, posted.comment_id) == ("visible", None)


def test_blocking_for_good_can_hide_what_waits_for_approval(app, posted, case, moderator, user_factory):
    with app.app_context():
        waiting = Comment(
            target_type="project", target_id=1, author_id=posted.author_id, depth=0, visibility="pending"
        )
        waiting.set_body("Noch eine Beschimpfung.")
        db.session.add(waiting)
        db.session.commit()
        waiting_id = waiting.id
    decide(moderator, case.id, action="block", block_days="0", hide_pending="y")
    with app.app_context():
        assert db.session.get(User, posted.author_id).blocked_until.year == 9999
        assert db.session.get(Comment, waiting_id).visibility == "hidden"


def test_blocking_needs_the_public_reason(app, posted, case, moderator):
    assert decide(moderator, case.id, action="block", reason_category="", block_days="7").status_code == 422
    with app.app_context():
        assert not db.session.get(User, posted.author_id).is_blocked


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("approve", {"reason_category": ""}),
        ("hide", {}),
        ("restore", {"reason_category": ""}),
        ("dismiss", {"reason_category": ""}),
        ("redact", {"reason_category": "", "passage": "Idioten"}),
        ("warn", {"reason_category": ""}),
        ("block", {"block_days": "7"}),
    ],
)
def test_every_action_is_audited_with_its_reasons(app, posted, case, moderator, action, extra):
    assert decide(moderator, case.id, action=action, **extra).status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == f"moderation.{action}"))
        assert entry is not None and "Der Kommentar beschimpft andere Teilnehmende." in entry.reason
        assert entry.object_type == "comment" and entry.object_id == posted.comment_id
        assert "visibility" in entry.before and "visibility" in entry.after


def test_an_appeal_after_six_months_is_refused(app, posted, case, moderator):
    decide(moderator, case.id)
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        decision.appeal_until = decision.created_at - timedelta(days=1)
        db.session.commit()
        decision_id = decision.id
    client = author_client(app, posted)
    url = f"/moderation/entscheidungen/{decision_id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="text"' not in page  # no appeal form once the window has passed
    late = client.post(url, data={"csrf_token": csrf_token(client, url), "text": "Bitte noch einmal prüfen."})
    assert late.status_code == 422
    with app.app_context():
        from participation.moderation.models import Appeal

        assert db.session.scalar(select(Appeal.id)) is None
