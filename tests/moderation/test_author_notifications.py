"""The author hears of a decision and of an appeal's outcome in the app too, with the link to
the statement of reasons, and gets no second mail for it."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from participation.moderation.models import Decision
from participation.notifications.models import Notification
from tests.conftest import login
from tests.moderation.conftest import decide, send_report, signed_in, the_case


def test_the_author_finds_the_decision_among_their_notifications(app, posted, user_factory, outbox):
    send_report(signed_in(app, user_factory)[0], posted.comment_id)
    moderator = signed_in(app, user_factory, role="moderator")[0]
    outbox.clear()
    decide(moderator, the_case(app, posted.comment_id).id)
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        note = db.session.scalar(select(Notification).where(Notification.user_id == posted.author_id))
        assert note is not None and note.link == f"/moderation/entscheidungen/{decision.id}"
        assert note.mail_state == "none"  # the statement of reasons went by mail already
        assert note.title == "Radweg Jahnallee"
    assert [m["To"] for m in outbox.messages].count(posted.author_email) == 1
    author = app.test_client()
    with app.app_context():
        login(author, db.session.get(User, posted.author_id))
    listing = author.get("/benachrichtigungen").get_data(as_text=True)
    assert f"/moderation/entscheidungen/{decision.id}" in listing
    assert "Der Kommentar beschimpft andere Teilnehmende." in listing  # the facts, as the excerpt
