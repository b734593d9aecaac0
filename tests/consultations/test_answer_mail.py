"""The "city has answered your idea" mail is a notification mail like the others: the same
footer, one-click unsubscribe, plain text instead of Markdown, and it respects "no mails"."""

from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from participation.notifications.models import Notification
from tests.conftest import csrf_token

RESPONSE = (
    "Wir prüfen **einen Zebrastreifen** am [Markt](https://example.org/markt).\n\n- erstens\n- zweitens"
)


def _answer(client, consultation, idea):
    page = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    data = {"csrf_token": csrf_token(client, page), "status": "accepted", "response": RESPONSE}
    assert client.post(page + "/antwort", data=data).status_code == 302


def test_the_answer_mail_has_the_notification_footer_and_one_click_unsubscribe(
    client, app, login_as, user_factory, make_consultation, make_idea, outbox
):
    consultation = make_consultation()
    author = user_factory(name="Erika", locale="en")
    idea = make_idea(consultation, author=author)
    login_as("staff")
    _answer(client, consultation, idea)
    [mail] = [m for m in outbox.messages if m["To"] == author.email]
    body = mail.get_content()
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these mails with one click: {unsubscribe}" in body
    assert "You receive this mail because you wrote this idea." in body
    assert "All your notifications: http://localhost/benachrichtigungen" in body
    assert "Mail settings: http://localhost/account#settings-heading" in body
    assert (
        "Wir prüfen einen Zebrastreifen am Markt (https://example.org/markt).\n\n- erstens\n- zweitens"
        in body
    )
    assert "**" not in body and "](" not in body
    client.post(unsubscribe.removeprefix("http://localhost"), data={"List-Unsubscribe": "One-Click"})
    with app.app_context():
        assert db.session.get(User, author.id).notification_mail == "never"


def test_no_answer_mail_for_who_stopped_notification_mails_but_the_notification_stays(
    client, app, login_as, user_factory, make_consultation, make_idea, outbox
):
    consultation = make_consultation()
    author = user_factory(locale="en")
    with app.app_context():
        db.session.get(User, author.id).notification_mail = "never"
        db.session.commit()
    idea = make_idea(consultation, author=author)
    login_as("staff")
    _answer(client, consultation, idea)
    assert [m for m in outbox.messages if m["To"] == author.email] == []
    with app.app_context():
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).all()
    assert note.kind == "response"
    assert note.excerpt.startswith("Wir prüfen einen Zebrastreifen am Markt (https://example.org/markt).")
