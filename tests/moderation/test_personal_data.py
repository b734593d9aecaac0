"""Moderation's part of the data export and of the account deletion, and the confirmation of
receipt a reporter gets."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.models import User
from participation.core import personal_data
from participation.extensions import db
from participation.moderation.models import Report
from tests.moderation.conftest import decide, send_report, signed_in, the_case


def test_a_reporter_with_an_address_gets_a_receipt_and_the_address_goes_after_the_outcome(
    app, user_factory, posted, outbox
):
    outbox.clear()
    send_report(app.test_client(), posted.comment_id, contact_email="melder@example.org")
    receipt = {m["To"]: m for m in outbox.messages}["melder@example.org"]
    assert "Radweg Jahnallee" in receipt.get_content()
    moderator = signed_in(app, user_factory, role="moderator")[0]
    decide(moderator, the_case(app, posted.comment_id).id)
    assert [m["To"] for m in outbox.messages].count("melder@example.org") == 2  # receipt, outcome
    with app.app_context():
        assert db.session.scalar(select(Report.contact_email)) is None  # no longer needed


def test_the_export_lists_reports_and_decisions_and_deletion_forgets_the_reporter(app, user_factory, posted):
    client, reporter = signed_in(app, user_factory)
    send_report(client, posted.comment_id)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    decide(moderator, the_case(app, posted.comment_id).id)
    with app.test_request_context():
        mine = personal_data.export_sections(db.session.get(User, reporter.id))
        assert mine["moderation_reports"][0]["explanation"] == "Das ist eine Beleidigung anderer Menschen."
        theirs = personal_data.export_sections(db.session.get(User, posted.author_id))
        assert theirs["moderation_decisions"][0]["facts"] == "Der Kommentar beschimpft andere Teilnehmende."
        personal_data.erase_everywhere(db.session.get(User, reporter.id))
        db.session.commit()
        row = db.session.scalar(select(Report))
        assert row.reporter_id is None and row.reason == "insult"  # the case keeps its report
