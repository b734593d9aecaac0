import re
import time

import limits.storage.memory

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token


def sign_in(client, email, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"csrf_token": csrf_token(client), "email": email, "password": password})


def test_login_page_has_email_and_password_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<input[^>]+name="email"', page)
    assert re.search(r'<input[^>]+name="password"', page)
    assert '<label for="email">' in page


def test_sign_in_and_out(client, user_factory):
    user = user_factory(email_address="anna@example.org")
    response = sign_in(client, "anna@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert user.display_name in client.get("/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_address_look_the_same(client, user_factory):
    user_factory(email_address="anna@example.org")
    wrong_password = sign_in(client, "anna@example.org", "not the right password")
    unknown = sign_in(client, "nobody@example.org", "not the right password")
    assert wrong_password.status_code == unknown.status_code == 422
    message = "Die E-Mail-Adresse oder das Passwort ist nicht korrekt."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    # the address stays in the form, the password never comes back
    assert 'value="anna@example.org"' in wrong_password.get_data(as_text=True)
    assert "not the right password" not in wrong_password.get_data(as_text=True)


def test_next_parameter_only_leads_within_the_site(client, user_factory):
    user_factory(email_address="anna@example.org")
    assert sign_in(client, "anna@example.org", PASSWORD, "/account").headers["Location"] == "/account"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert sign_in(client, "anna@example.org", PASSWORD, "https://evil.example/").headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert sign_in(client, "anna@example.org", PASSWORD, "//evil.example/").headers["Location"] == "/"


def test_signed_in_visitors_are_sent_on_from_the_login_page(client, login_as):
    login_as("resident")
    assert client.get("/login").status_code == 302


def test_deleted_accounts_cannot_sign_in(client, app, user_factory):
    user = user_factory(email_address="anna@example.org")
    with app.app_context():
        db.session.get(User, user.id).deleted_at = user.created_at
        db.session.commit()
    assert sign_in(client, "anna@example.org", PASSWORD).status_code == 422


def test_too_many_attempts_get_429_with_retry_time(client, user_factory):
    """The per-IP limit: ten sign-ins a minute, whichever addresses they try."""
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login",
            data={"csrf_token": token, "email": f"x{attempt}@example.org", "password": "wrong password!"},
            headers={"Accept-Language": "en"},
        ).status_code
        for attempt in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "x@example.org", "password": "x"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 120
    minutes = -(-seconds // 60)
    unit = "minute" if minutes == 1 else "minutes"
    assert f"Please try again in {minutes} {unit}." in response.get_data(as_text=True)


def guess(app, address, email, password="wrong password!"):
    """One sign-in attempt from its own client at IP `address` (a botnet: a new IP each time)."""
    attacker = app.test_client()
    attacker.environ_base.update(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return attacker.post(
        "/login", data={"csrf_token": csrf_token(attacker), "email": email, "password": password}
    )


class Clock:
    """The rate limiter's clock, moved forward by hand."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now


def test_other_ips_cannot_keep_guessing_one_accounts_password(app, user_factory, monkeypatch):
    user_factory(email_address="anna@example.org")
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    statuses = [guess(app, f"198.51.100.{n}", "Anna@Example.org").status_code for n in range(1, 7)]
    assert statuses == [422] * 5 + [429]
    # the right password from yet another address is refused too, with the translated page
    refused = guess(app, "198.51.100.99", "anna@example.org", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # other accounts are not affected
    assert guess(app, "198.51.100.7", "other@example.org").status_code == 422
    # the window ends: 15 minutes later the owner signs in
    clock.now += 15 * 60 + 1
    assert guess(app, "198.51.100.99", "anna@example.org", PASSWORD).status_code == 302


def test_unknown_addresses_are_limited_alike(app, monkeypatch):
    """Otherwise the limit itself would tell which addresses have an account."""
    statuses = [guess(app, f"198.51.100.{n}", "nobody@example.org").status_code for n in range(1, 7)]
    assert statuses == [422] * 5 + [429]


def test_the_owners_known_browser_is_not_locked_out(app, client, user_factory):
    user_factory(email_address="anna@example.org")
    assert sign_in(client, "anna@example.org", PASSWORD).status_code == 302  # signed in before
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for n in range(1, 7):
        guess(app, f"198.51.100.{n}", "anna@example.org")
    assert guess(app, "198.51.100.99", "anna@example.org", PASSWORD).status_code == 429
    assert sign_in(client, "anna@example.org", PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(app, client, user_factory):
    user_factory(email_address="anna@example.org")
    for _ in range(6):
        fresh = app.test_client()
        assert sign_in(fresh, "anna@example.org", PASSWORD).status_code == 302
