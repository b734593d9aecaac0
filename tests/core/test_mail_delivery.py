"""With MAIL_SERVER: a job sends each queued mail right after the commit, exactly once."""

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from huey.utils import utcnow as queue_now
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import scoped_session, sessionmaker

from participation.core import events
from participation.core import mail as mail_module
from participation.core.mail import MAIL_QUEUED, MAX_ATTEMPTS, OutgoingMail, send_mail, send_mails
from participation.core.models import utcnow
from participation.extensions import db

SERVER = "smtp.example.org"


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what was sent, or refuses `failures` times."""

    sent: list = []
    failures = 0
    delay = 0.0
    lock = threading.Lock()

    def __init__(self, host, port, timeout):
        self.host = host

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def sendmail(self, sender, recipients, message):
        time.sleep(FakeSMTP.delay)  # a slow server: the moment another worker might step in
        with FakeSMTP.lock:
            if FakeSMTP.failures:
                FakeSMTP.failures -= 1
                raise smtplib.SMTPServerDisconnected("the server went away")
            FakeSMTP.sent.append((sender, recipients, message))

    def quit(self):
        pass

    @classmethod
    def recipients(cls) -> list[list[str]]:
        return [recipients for _, recipients, _ in cls.sent]


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.sent, FakeSMTP.failures, FakeSMTP.delay = [], 0, 0.0
    monkeypatch.setattr(mail_module.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def _queue_one(app, to="anna@example.org") -> int:
    with app.test_request_context():
        send_mail(to, "Betreff", "Inhalt")
        db.session.commit()
        return db.session.scalars(select(OutgoingMail.id).where(OutgoingMail.recipient == to)).one()


def _row(app, mail_id: int) -> OutgoingMail:
    with app.app_context():
        return db.session.get(OutgoingMail, mail_id)


def test_a_job_sends_each_queued_mail_right_after_the_commit(app_factory, outbox, fake_smtp):
    app = app_factory(mail_server=SERVER)  # immediate mode: the job has run when commit returns
    mail_id = _queue_one(app)
    assert fake_smtp.recipients() == [["anna@example.org"]]
    row = _row(app, mail_id)
    assert row.sent_at is not None and row.attempts == 1 and row.claimed_at is None
    assert outbox.messages == []
    again = app.test_cli_runner().invoke(args=["mail", "send"])  # the catch-up finds nothing left
    assert again.exit_code == 0, again.output
    assert fake_smtp.recipients() == [["anna@example.org"]]


def test_mails_queued_together_are_one_job_over_one_connection(app_factory, fake_smtp, monkeypatch):
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    opened = []
    monkeypatch.setattr(mail_module.smtplib, "SMTP", lambda *a, **k: opened.append(1) or FakeSMTP(*a, **k))
    with app.test_request_context():
        send_mails([(f"person{number}@example.org", "Betreff", "Inhalt", None) for number in range(3)])
        db.session.commit()
    queue = app.extensions["jobs"]
    assert queue.pending() == 1 and fake_smtp.sent == []  # the request did not wait for SMTP
    assert queue.run_pending() == 1
    assert len(fake_smtp.sent) == 3 and len(opened) == 1


def test_a_rolled_back_request_queues_no_mail_and_no_job(app_factory, fake_smtp):
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    with app.test_request_context():
        send_mail("anna@example.org", "Betreff", "Inhalt")
        db.session.flush()
        db.session.rollback()
        assert db.session.scalars(select(OutgoingMail)).all() == []
    assert app.extensions["jobs"].pending() == 0


def test_what_flask_mail_send_delivered_its_job_does_not_send_again(app_factory, fake_smtp):
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    mail_id = _queue_one(app)
    assert _row(app, mail_id).sent_at is None  # the worker was away
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1 message(s)" in result.output
    assert app.extensions["jobs"].run_pending() == 1  # the job comes late and finds it sent
    assert fake_smtp.recipients() == [["anna@example.org"]]


def test_a_failed_delivery_is_released_and_sent_by_a_later_retry(app_factory, fake_smtp, caplog):
    app = app_factory(mail_server=SERVER, jobs_mode="worker", jobs_retry_delay=60)
    queue = app.extensions["jobs"]
    fake_smtp.failures = 1
    mail_id = _queue_one(app)
    assert queue.run_pending() == 1
    row = _row(app, mail_id)
    assert (row.sent_at, row.claimed_at, row.attempts) == (None, None, 1)
    assert "went away" in row.last_error and "went away" in caplog.text
    assert queue.scheduled() == 1
    assert queue.run_pending(now=queue_now() + timedelta(seconds=61)) == 1
    row = _row(app, mail_id)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    assert fake_smtp.recipients() == [["anna@example.org"]]


def test_after_max_attempts_a_mail_stays_unsent_with_its_error(app_factory, fake_smtp):
    app = app_factory(mail_server=SERVER, jobs_mode="worker", jobs_retries=MAX_ATTEMPTS + 3,
                      jobs_retry_delay=0)
    fake_smtp.failures = 100
    mail_id = _queue_one(app)
    assert app.extensions["jobs"].run_pending() == MAX_ATTEMPTS  # the last attempt gives up
    row = _row(app, mail_id)
    assert row.attempts == MAX_ATTEMPTS and row.sent_at is None and "went away" in row.last_error
    fake_smtp.failures = 0
    app.test_cli_runner().invoke(args=["mail", "send"])
    assert fake_smtp.sent == [] and _row(app, mail_id).attempts == MAX_ATTEMPTS


def test_a_claim_left_by_a_worker_that_died_is_taken_over_later(app_factory, fake_smtp):
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    mail_id = _queue_one(app)
    with app.app_context():
        db.session.get(OutgoingMail, mail_id).claimed_at = utcnow()  # another worker is on it
        db.session.commit()
    app.test_cli_runner().invoke(args=["mail", "send"])
    assert fake_smtp.sent == []
    with app.app_context():
        db.session.get(OutgoingMail, mail_id).claimed_at = utcnow() - mail_module.CLAIM_TIMEOUT * 2
        db.session.commit()
    app.test_cli_runner().invoke(args=["mail", "send"])
    assert fake_smtp.recipients() == [["anna@example.org"]]


@pytest.fixture
def committing_sessions(app_factory):
    """An app whose sessions commit for real, one connection each (the test's rolled-back
    transaction would hide one thread's claim from the other), and the rows to clean up."""
    app = app_factory(mail_server=SERVER, jobs_mode="worker")
    with app.app_context():
        engine = db.engine
    test_session = db.session
    db.session = scoped_session(sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    try:
        yield app, engine
    finally:
        db.session = test_session
        with engine.begin() as connection:
            connection.execute(delete(OutgoingMail).where(OutgoingMail.recipient == "race@example.org"))


@pytest.mark.parametrize("rivals", ["two jobs", "a job and flask mail send"])
def test_two_deliveries_of_one_mail_at_the_same_moment_send_it_once(committing_sessions, fake_smtp, rivals):
    app, engine = committing_sessions
    with engine.begin() as connection:  # a plain INSERT: no job is queued for it
        mail_id = connection.execute(
            insert(OutgoingMail).values(recipient="race@example.org", message="Subject: x\n\nx",
                                        created_at=utcnow(), attempts=0).returning(OutgoingMail.id)
        ).scalar_one()
    job = events.Event(MAIL_QUEUED, None, None, None, {"mail_ids": [mail_id]})
    deliveries = [lambda: mail_module.deliver_queued(job)] * 2
    if rivals != "two jobs":
        deliveries[1] = mail_module.deliver_queue
    fake_smtp.delay = 0.3  # both claim while the first is still talking to the server
    start, errors = threading.Barrier(2), []

    def deliver(run):
        start.wait()
        try:
            with app.app_context():
                run()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=(run,)) for run in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert fake_smtp.recipients() == [["race@example.org"]]
    with app.app_context():
        row = db.session.get(OutgoingMail, mail_id)
        assert row.sent_at is not None and row.attempts == 1 and row.claimed_at is None
