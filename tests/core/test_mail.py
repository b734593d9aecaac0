import dataclasses

from sqlalchemy import select

from participation import create_app
from participation.core import mail as mail_module
from participation.core.mail import OutgoingMail, send_mail
from participation.extensions import db


def test_mail_is_written_only_when_the_request_commits(app, outbox):
    with app.test_request_context():
        send_mail("anna@example.org", "Betreff", "Inhalt")
        db.session.rollback()
        assert outbox.messages == []
        send_mail("anna@example.org", "Betreff", "Inhalt")
        db.session.commit()
    [message] = outbox.messages
    assert message["To"] == "anna@example.org" and message["Subject"] == "Betreff"
    assert message.get_content().strip() == "Inhalt"


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def sendmail(self, sender, recipients, message):
        FakeSMTP.sent.append((sender, recipients, message))

    def quit(self):
        pass


def test_with_a_mail_server_mail_is_queued_and_sent_by_the_worker(settings, outbox, monkeypatch):
    app = create_app(dataclasses.replace(settings, mail_server="smtp.example.org"))
    monkeypatch.setattr(mail_module.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    with app.test_request_context():
        send_mail("anna@example.org", "Betreff", "Inhalt")
        db.session.commit()
        queued = db.session.scalars(select(OutgoingMail)).all()
        assert [m.recipient for m in queued] == ["anna@example.org"] and queued[0].sent_at is None
    assert outbox.messages == []
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert [recipients for _, recipients, _ in FakeSMTP.sent] == [["anna@example.org"]]
    with app.app_context():
        assert db.session.scalars(select(OutgoingMail)).one().sent_at is not None
