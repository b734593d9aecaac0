"""Moderators decide with reasons; the author gets a statement of reasons (Art. 17), the
reporters the outcome; every action is audited; others cannot reach the queue."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.moderation.models import Appeal, Decision
from tests.conftest import csrf_token, login
from tests.moderation.conftest import comment_state, decide, send_report, signed_in, the_case


@pytest.fixture
def reported(app, posted, user_factory):
    reporter_client, reporter = signed_in(app, user_factory, email_address="melderin@example.org")
    send_report(reporter_client, posted.comment_id)
    return the_case(app, posted.comment_id), reporter_client


@pytest.mark.parametrize("role", [None, "resident"])
def test_residents_and_visitors_cannot_reach_the_queue(app, user_factory, role, reported):
    client = signed_in(app, user_factory, role=role)[0] if role else app.test_client()
    case, _ = reported
    for path in ("/moderation/", f"/moderation/faelle/{case.id}"):
        response = client.get(path)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_the_queue_lists_the_case_with_its_reason_and_count(app, user_factory, reported, posted):
    moderator = signed_in(app, user_factory, role="moderator")[0]
    page = moderator.get("/moderation/").get_data(as_text=True)
    case, _ = reported
    assert f"/moderation/faelle/{case.id}" in page
    assert "Ihr seid alle Idioten" in page  # the content itself, with where it stands
    assert "Radweg Jahnallee" in page
    assert moderator.get("/moderation/?reason=spam").get_data(as_text=True).count("/moderation/faelle/") == 0


def test_hiding_tells_the_author_why_and_how_to_appeal(app, user_factory, reported, posted, outbox):
    moderator = signed_in(app, user_factory, role="moderator")[0]
    case, _ = reported
    outbox.clear()
    response = decide(moderator, case.id)
    assert response.status_code == 302
    assert comment_state(app, posted.comment_id) == ("hidden", "insult")
    mails = {m["To"]: m.get_content() for m in outbox.messages}
    statement = mails[posted.author_email]
    assert "Nutzungsbedingungen § 4 (keine Beleidigungen)" in statement  # the rule
    assert "Der Kommentar beschimpft andere Teilnehmende." in statement  # the facts
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert f"/moderation/entscheidungen/{decision.id}" in statement  # where to appeal
        assert not decision.automated
    assert "melderin@example.org" in mails  # the reporter learns the outcome
    page = app.test_client().get(posted.project_path).get_data(as_text=True)
    assert "Ihr seid alle Idioten" not in page


def test_a_decision_without_reasons_is_refused_and_changes_nothing(app, user_factory, reported, posted):
    moderator = signed_in(app, user_factory, role="moderator")[0]
    case, _ = reported
    response = decide(moderator, case.id, rule="", facts="Nur kurz.")
    assert response.status_code == 422
    assert "Nur kurz." in response.get_data(as_text=True)  # the form comes back filled in
    assert comment_state(app, posted.comment_id)[0] == "visible"
    assert the_case(app, posted.comment_id).state == "open"


def test_hiding_needs_the_public_reason(app, user_factory, reported, posted):
    moderator = signed_in(app, user_factory, role="moderator")[0]
    case, _ = reported
    assert decide(moderator, case.id, reason_category="").status_code == 422
    assert comment_state(app, posted.comment_id)[0] == "visible"


def test_a_case_is_held_for_the_moderator_who_opened_it(app, user_factory, reported, posted):
    first = signed_in(app, user_factory, role="moderator")[0]
    second = signed_in(app, user_factory, role="moderator")[0]
    case, _ = reported
    first.get(f"/moderation/faelle/{case.id}")
    response = decide(second, case.id)
    assert response.status_code == 422
    assert comment_state(app, posted.comment_id)[0] == "visible"
    assert decide(first, case.id).status_code == 302


def test_restoring_after_the_threshold_and_every_action_is_audited(app, user_factory, posted):
    for _ in range(3):
        send_report(signed_in(app, user_factory)[0], posted.comment_id)
    assert comment_state(app, posted.comment_id)[0] == "hidden"
    moderator = signed_in(app, user_factory, role="moderator")[0]
    case = the_case(app, posted.comment_id)
    decide(moderator, case.id, action="restore", reason_category="", facts="Zugespitzt, aber zulässig.")
    assert comment_state(app, posted.comment_id) == ("visible", None)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.restore"))
        assert entry.before["visibility"] == "hidden" and entry.after["visibility"] == "visible"
        assert "Zugespitzt, aber zulässig." in entry.reason
    assert {"moderation.reported", "moderation.hidden_by_reports", "moderation.restore"} <= actions


def test_the_author_appeals_once_and_a_different_moderator_decides(
    app, user_factory, reported, posted, outbox
):
    moderator_client, moderator = signed_in(app, user_factory, role="moderator")
    case, _ = reported
    decide(moderator_client, case.id)
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
    author = app.test_client()
    with app.app_context():
        login(author, db.session.get(User, posted.author_id))
    url = f"/moderation/entscheidungen/{decision_id}"
    assert author.get(url).status_code == 200
    assert app.test_client().get(url).status_code in (302, 403)
    assert signed_in(app, user_factory)[0].get(url).status_code == 404  # nobody else learns of it
    sent = author.post(
        url, data={"csrf_token": csrf_token(author, url), "text": "Das war Satire, bitte prüfen."}
    )
    assert sent.status_code == 302
    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id))
    again = author.post(url, data={"csrf_token": csrf_token(author, url), "text": "Noch einmal: Satire!"})
    assert again.status_code == 422  # one appeal per decision: the page says it is under way
    with app.app_context():
        assert db.session.scalar(select(func.count(Appeal.id))) == 1
    appeal_url = f"/moderation/beschwerden/{appeal_id}"
    same = moderator_client.post(
        appeal_url,
        data={
            "csrf_token": csrf_token(moderator_client, appeal_url),
            "outcome": "reversed",
            "explanation": "Satire.",
        },
    )
    assert same.status_code == 422  # the moderator who decided may not decide the appeal
    assert comment_state(app, posted.comment_id)[0] == "hidden"
    other = signed_in(app, user_factory, role="moderator")[0]
    outbox.clear()
    done = other.post(
        appeal_url,
        data={
            "csrf_token": csrf_token(other, appeal_url),
            "outcome": "reversed",
            "explanation": "Erkennbar Satire, daher zulässig.",
        },
    )
    assert done.status_code == 302
    assert comment_state(app, posted.comment_id) == ("visible", None)
    assert (
        "Erkennbar Satire, daher zulässig."
        in {m["To"]: m.get_content() for m in outbox.messages}[posted.author_email]
    )
