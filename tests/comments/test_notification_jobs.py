"""The notification fan-out is a background job: one per event, never twice, for many followers.

Every test here runs on an app whose jobs wait in a queue until the test runs them, as a worker
would; the rest of the suite runs them at once after the commit.
"""

import collections
import time

import pytest
import sqlalchemy
from sqlalchemy import func, insert, select

from participation.accounts.models import User
from participation.core import events
from participation.core.mail import OutgoingMail
from participation.core.models import utcnow
from participation.extensions import db
from participation.notifications.models import Notification
from participation.notifications.services import NOTIFICATION_CREATED
from tests.conftest import csrf_token, login
from tests.core.test_mail_delivery import SERVER, fake_smtp  # noqa: F401 - a fixture


@pytest.fixture
def app(app, app_factory):
    """Every fixture of this package (clients, write_comment) works on the queued app."""
    return app_factory(jobs_mode="worker")


@pytest.fixture
def queue(app):
    return app.extensions["jobs"]


@pytest.fixture
def announced():
    """The user_ids of each notification.created, as a live publisher would hear them."""
    heard: list[list[int]] = []

    def listen(event):
        heard.append(event["user_ids"])

    events.subscribe(NOTIFICATION_CREATED, listen)
    yield heard
    events.unsubscribe(NOTIFICATION_CREATED, listen)


def _notes(app, user=None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    with app.app_context():
        return list(db.session.scalars(query))


def test_the_comment_request_returns_before_the_fan_out_which_the_worker_does_later(
    client, app, queue, make_note, user_factory, outbox
):
    follower, writer = user_factory(), user_factory()
    note = make_note(authors=[follower.id])
    login(client, writer)
    response = client.post(
        f"/kommentare/note/{note.id}",
        data={"csrf_token": csrf_token(client, "/barrierefreiheit"), "body": "Mehr Bäume"},
    )
    assert response.status_code == 302
    assert _notes(app) == [] and outbox.messages == [] and queue.pending() == 1
    assert queue.run_pending() == 1
    [row] = _notes(app, follower)
    assert row.excerpt == "Mehr Bäume" and row.event_id
    assert [m["To"] for m in outbox.messages] == [follower.email]


def test_a_fan_out_job_that_runs_twice_notifies_and_mails_each_person_once(
    app, queue, make_note, user_factory, write_comment, outbox, announced
):
    asker, follower = user_factory(), user_factory()
    note = make_note(authors=[follower.id])
    top = write_comment(note, asker, "Frage")
    queue.run_pending()
    outbox.clear()
    announced.clear()
    write_comment(note, user_factory(), "Antwort", parent=top)
    job = queue.huey.dequeue()
    queue.huey.execute(job)
    queue.huey.execute(job)  # a retry, or the queue delivering it again
    assert [n.kind for n in _notes(app, asker)] == ["reply"]
    assert [n.excerpt for n in _notes(app, follower)] == ["Frage", "Antwort"]
    assert sorted(m["To"] for m in outbox.messages) == sorted([asker.email, follower.email])
    assert announced == [sorted([asker.id, follower.id])]  # the second run announced nobody


def test_with_a_mail_server_the_fan_out_queues_one_mail_each_and_a_job_sends_them(
    app_factory, make_note, user_factory, write_comment, fake_smtp  # noqa: F811 - the fixture
):
    mailing = app_factory(jobs_mode="worker", mail_server=SERVER)
    queue = mailing.extensions["jobs"]
    followers = [user_factory() for _ in range(3)]
    note = make_note(authors=[f.id for f in followers])
    with mailing.test_request_context():
        from participation.comments import services
        from participation.core import targets

        services.add_comment(targets.resolve("note", note.id), db.session.merge(user_factory()), "Neu")
        db.session.commit()
    fan_out = queue.huey.dequeue()
    queue.huey.execute(fan_out)
    queue.huey.execute(fan_out)
    with mailing.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 3
    assert queue.run_pending() == 1  # one delivery job for the mails of the fan-out
    assert sorted(r[0] for r in fake_smtp.recipients()) == sorted(f.email for f in followers)


def _many_people(app, count: int) -> list[int]:
    """Accounts straight into the table: a thousand registrations would hash a thousand passwords."""
    now = utcnow()
    rows = [
        {"email": f"many{number}-{now.timestamp()}@example.org", "display_name": f"Person {number}",
         "role": "resident", "notification_mail": "immediately", "email_confirmed_at": now,
         "created_at": now, "updated_at": now}
        for number in range(count)
    ]
    with app.app_context():
        ids = list(db.session.scalars(insert(User).returning(User.id), rows))
        db.session.commit()
    return ids


def test_a_fan_out_to_a_thousand_followers_is_one_job_with_few_queries(
    app_factory, make_note, user_factory, fake_smtp  # noqa: F811 - the fixture
):
    mailing = app_factory(jobs_mode="worker", mail_server=SERVER)
    queue = mailing.extensions["jobs"]
    people = _many_people(mailing, 1000)
    note = make_note(authors=people)
    with mailing.test_request_context():
        from participation.comments import services
        from participation.core import targets

        services.add_comment(targets.resolve("note", note.id), db.session.merge(user_factory()), "Hallo")
        db.session.commit()
    assert queue.pending() == 1  # one job for the event, not one per follower
    with mailing.app_context():
        engine = db.session.get_bind().engine  # the test's connection, which every app here uses
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sqlalchemy.event.listen(engine, "before_cursor_execute", listen)
    started = time.perf_counter()
    try:
        queue.huey.execute(queue.huey.dequeue())
    finally:
        seconds = time.perf_counter() - started
        sqlalchemy.event.remove(engine, "before_cursor_execute", listen)
    with mailing.app_context():
        notified = db.session.scalar(select(func.count()).select_from(Notification))
        mails = db.session.scalar(select(func.count()).select_from(OutgoingMail))
    assert notified == mails == 1000
    # chunks of 500 people: no query per follower
    assert len(statements) <= 40, collections.Counter(s[:60] for s in statements).most_common(5)
    assert queue.pending() <= 4  # the mails go out in a few delivery jobs
    print(f"fan-out to 1000 followers: {len(statements)} queries, {seconds:.2f} s")
