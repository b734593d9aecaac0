import dataclasses
import email
import email.policy

import pytest
from sqlalchemy import select

from participation import create_app
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


SUBJECTS = [
    # Python's own folder broke this one between "Grün" and "für" and lost the space there
    "Neuer Kommentar von Anna Müller zu „Mehr Grün für Plätze und Straßen“",
    "Neuer Kommentar von Jürgen Großmann zu „Parken für Lastenräder in der Südvorstadt und "
    "überall sonst, wo Straßen breit genug sind“",
    "Ваша щоденна добірка: 3 новини про «Паркування для вантажних велосипедів у Зюдфорштадті»",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_long_subject_with_umlauts_reads_back_exactly(app, outbox, subject):
    with app.test_request_context():
        send_mail("anna@example.org", subject, "Inhalt")
        db.session.commit()
    [message] = outbox.messages
    assert message["Subject"] == subject
    raw = (outbox.folder / next(p.name for p in outbox.folder.glob("*.eml"))).read_bytes()
    header_lines = raw.split(b"\n\n", 1)[0].splitlines()
    assert all(len(line) <= 78 for line in header_lines)


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_queued_mail_keeps_its_subject(settings, subject):
    app = create_app(dataclasses.replace(settings, mail_server="smtp.example.org"))
    with app.test_request_context():
        send_mail("anna@example.org", subject, "Inhalt")
        db.session.flush()
        queued = db.session.scalars(select(OutgoingMail)).one()
        parsed = email.message_from_bytes(queued.message.encode(), policy=email.policy.default)
        db.session.rollback()
    assert parsed["Subject"] == subject


def test_a_mail_is_written_with_the_outer_commit_not_when_a_savepoint_is_released(app, outbox):
    with app.test_request_context():
        send_mail("anna@example.org", "Vorher", "Inhalt")
        with db.session.begin_nested():
            send_mail("anna@example.org", "Im Savepoint", "Inhalt")
        assert outbox.messages == []  # a released SAVEPOINT is no commit
        nested = db.session.begin_nested()
        send_mail("anna@example.org", "Zurückgerollt", "Inhalt")
        nested.rollback()
        db.session.commit()
    assert sorted(m["Subject"] for m in outbox.messages) == ["Im Savepoint", "Vorher"]
