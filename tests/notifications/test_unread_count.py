"""The header's unread count comes with the signed-in person, in the one query every signed-in
request makes to know who it is, not in a query of its own on every page."""

from __future__ import annotations

from flask_login import current_user

from participation.accounts import sessions
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Notification
from participation.notifications.views import unread_notifications
from tests.conftest import login


def _notify(app, user, count):
    with app.app_context():
        for n in range(count):
            note = Notification(user_id=user.id, kind="comment", target_type="note", target_id=1, link="/")
            note.title = f"Neu {n}"
            db.session.add(note)
        db.session.commit()


def test_a_signed_in_page_asks_the_database_once(app, client, user_factory, count_queries):
    reader = user_factory()
    _notify(app, reader, 3)
    login(client, reader)
    client.get("/datenschutz")  # a first request may set up the session
    with app.app_context(), count_queries() as counter:
        html = client.get("/datenschutz").get_data(as_text=True)  # a page of text only
    assert '<span class="counter" aria-hidden="true">3</span>' in html
    # the test's savepoint and who the reader is, with their unread count
    assert counter.count == 2


def test_marking_read_in_a_request_shows_the_new_count(app, user_factory):
    reader = user_factory()
    _notify(app, reader, 2)
    token = login(app.test_client(), reader)
    with app.test_request_context():
        user = sessions.load(token)
        assert user.read_along == {"unread_notifications": 2}
        services.mark_read(user)
        assert "unread_notifications" not in user.read_along


def test_the_count_is_read_when_the_user_came_without_it(app, user_factory):
    reader = user_factory()
    _notify(app, reader, 1)
    with app.test_request_context():
        from flask_login import login_user

        user = db.session.get(type(reader), reader.id)  # loaded some other way: no figures with it
        user.session_token = "not-needed"
        login_user(user)
        assert current_user.read_along is None and unread_notifications() == 1
