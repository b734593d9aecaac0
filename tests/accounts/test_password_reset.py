import time

import itsdangerous.timed

from participation.accounts.models import User
from participation.accounts.passwords import verify_password
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "another long passphrase 2026"


def request_reset(client, email):
    return client.post(
        "/password/forgot", data={"csrf_token": csrf_token(client, "/password/forgot"), "email": email}
    )


def test_reset_link_sets_a_new_password_once(client, app, user_factory, outbox):
    user = user_factory(email_address="anna@example.org", confirmed=False)
    elsewhere = app.test_client()
    login(elsewhere, user)  # a device the attacker may hold
    assert elsewhere.get("/account").status_code == 200
    assert request_reset(client, "anna@example.org").status_code == 302
    link = outbox.last_link("anna@example.org")
    form = client.get(link)
    assert form.status_code == 200
    token = csrf_token(client, link)
    assert client.post(link, data={"csrf_token": token, "password": NEW_PASSWORD}).status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert verify_password(stored.password_hash, NEW_PASSWORD)
        assert stored.email_confirmed  # the link proved the mailbox
    assert elsewhere.get("/account").status_code == 302  # every session of the account ended
    # a used link is dead
    assert client.get(link).status_code == 400


def test_unknown_address_gets_the_same_answer_and_no_mail(client, outbox):
    response = request_reset(client, "nobody@example.org")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nobody@example.org" in follow
    assert outbox.messages == []


def test_expired_link_says_so(client, user_factory, outbox, monkeypatch):
    user_factory(email_address="anna@example.org")
    request_reset(client, "anna@example.org")
    link = outbox.last_link("anna@example.org")
    later = time.time() + 3 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 400
    assert "abgelaufen" in response.get_data(as_text=True)


def test_tampered_link_is_refused(client, user_factory, outbox):
    user_factory(email_address="anna@example.org")
    request_reset(client, "anna@example.org")
    link = outbox.last_link("anna@example.org")
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400
    assert "ungültig" in response.get_data(as_text=True)


def test_short_new_password_keeps_the_old_one(client, app, user_factory, outbox):
    user = user_factory(email_address="anna@example.org")
    request_reset(client, "anna@example.org")
    link = outbox.last_link("anna@example.org")
    response = client.post(link, data={"csrf_token": csrf_token(client, link), "password": "short"})
    assert response.status_code == 422
    with app.app_context():
        assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
