"""Mails composed when delivered (core.mail.queue_composed): the hot paths store only the recipe."""

import email
import email.policy

import pytest
from sqlalchemy import select

from participation.core import mail as mail_module
from participation.core.mail import OutgoingMail, UnknownComposer, queue_composed, register_composer
from participation.extensions import db
from tests.core.test_mail_delivery import SERVER, FakeSMTP, fake_smtp  # noqa: F401 - the fixture

COMPOSER = "tests.greeting"
written: list[dict] = []


def _greeting(params: dict) -> tuple[str, str]:
    written.append(params)
    if params.get("broken"):
        raise RuntimeError("the template is broken")
    return f"Hallo {params['name']}", f"Schön, dass du da bist, {params['name']}."


@pytest.fixture(autouse=True)
def greeting_composer():
    written.clear()
    register_composer(COMPOSER, _greeting)
    yield
    mail_module._composers.pop(COMPOSER, None)


def _parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_with_a_mail_server_the_request_stores_the_recipe_and_the_job_writes_the_message(
        app_factory, fake_smtp, monkeypatch):  # noqa: F811
    app = app_factory(mail_server=SERVER, jobs_mode="worker")  # the job waits: see the queued row first
    with app.test_request_context():
        queue_composed("jana@example.org", COMPOSER, {"name": "Jana"})
        db.session.commit()
        row = db.session.scalars(select(OutgoingMail)).one()
        mail_id = row.id
        assert row.message is None and row.params == {"name": "Jana"} and written == []
        assert mail_module.deliver_queue() == 1
    (sender, recipients, raw), = fake_smtp.sent
    message = _parsed(raw)
    assert recipients == ["jana@example.org"] and message["Subject"] == "Hallo Jana"
    assert "Schön, dass du da bist, Jana." in message.get_content()
    with app.app_context():
        assert db.session.get(OutgoingMail, mail_id).message is not None  # kept: a retry sends the same


def test_a_retry_sends_the_message_composed_the_first_time(app_factory, fake_smtp):  # noqa: F811
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    fake_smtp.failures = 1
    with app.test_request_context():
        queue_composed("jana@example.org", COMPOSER, {"name": "Jana"})
        db.session.commit()
        assert mail_module.deliver_queue() == 0  # the server went away after the message was written
        assert mail_module.deliver_queue() == 1
    assert len(written) == 1 and len(fake_smtp.sent) == 1


def test_a_composer_that_fails_counts_as_a_failed_attempt_with_its_error(app_factory, fake_smtp):  # noqa: F811
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    with app.test_request_context():
        queue_composed("jana@example.org", COMPOSER, {"name": "Jana", "broken": True})
        db.session.commit()
        assert mail_module.deliver_queue() == 0
        row = db.session.scalars(select(OutgoingMail)).one()
        assert row.sent_at is None and row.claimed_at is None and row.attempts == 1
        assert "the template is broken" in row.last_error
    assert fake_smtp.sent == []


def test_without_a_mail_server_it_is_composed_at_once_into_the_outbox(app, outbox):
    with app.test_request_context():
        queue_composed("jana@example.org", COMPOSER, {"name": "Jana"})
        db.session.commit()
    message, = outbox.messages
    assert message["To"] == "jana@example.org" and message["Subject"] == "Hallo Jana"


def test_an_unknown_composer_is_refused_in_the_request(app):
    with app.test_request_context(), pytest.raises(UnknownComposer):
        queue_composed("jana@example.org", "nobody.registered.this", {})


def test_composed_mails_of_one_transaction_go_out_in_one_job_even_after_a_rolled_back_savepoint(
        app_factory, fake_smtp):  # noqa: F811
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    with app.test_request_context():
        queue_composed("jana@example.org", COMPOSER, {"name": "Jana"})
        with pytest.raises(RuntimeError), db.session.begin_nested():
            queue_composed("ole@example.org", COMPOSER, {"name": "Ole"})
            raise RuntimeError("this one fails")
        with db.session.begin_nested():  # as the intake takes each submission
            queue_composed("mia@example.org", COMPOSER, {"name": "Mia"})
        with db.session.begin_nested():
            queue_composed("lea@example.org", COMPOSER, {"name": "Lea"})
        db.session.commit()
    assert app.extensions["jobs"].pending() == 1  # one job for the transaction's mails
    assert app.extensions["jobs"].run_pending() == 1
    assert sorted(recipients for recipients in fake_smtp.recipients()) == [
        ["jana@example.org"], ["lea@example.org"], ["mia@example.org"]]
