"""Sign-ins live on the server: signing out ends them, whatever copies of the cookies exist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from participation.accounts import sessions
from participation.accounts.models import AccountSession, User
from participation.core.models import utcnow
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "a brand new passphrase"


def sign_in(client, email, remember=False):
    data = {"csrf_token": csrf_token(client), "email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def copy_cookies(source, target, names) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        target.set_cookie(name, cookie.value)


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def session_count(app, user) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AccountSession).where(AccountSession.user_id == user.id)
        )


def test_a_session_cookie_copied_before_sign_out_is_dead_afterwards(app, client, user_factory):
    user = user_factory(email_address="anna@example.org")
    sign_in(client, "anna@example.org")
    thief = app.test_client()
    copy_cookies(client, thief, ["session"])
    assert thief.get("/account").status_code == 200  # the copy works while the session lasts
    sign_out(client)
    assert client.get("/account").status_code == 302
    assert thief.get("/account").status_code == 302
    assert thief.get("/account").headers["Location"].startswith("/login")
    assert session_count(app, user) == 0


def test_a_remember_cookie_copied_before_sign_out_is_dead_afterwards(app, client, user_factory):
    user_factory(email_address="anna@example.org")
    sign_in(client, "anna@example.org", remember=True)
    thief = app.test_client()
    copy_cookies(client, thief, ["remember_token"])  # only the one-year cookie, no session
    assert thief.get("/account").status_code == 200
    sign_out(client)
    fresh = app.test_client()
    copy_cookies(thief, fresh, ["remember_token"])
    assert fresh.get("/account").status_code == 302


def test_sign_out_everywhere_ends_every_other_clients_session(app, client, user_factory):
    user = user_factory(email_address="anna@example.org")
    other = app.test_client()
    sign_in(other, "anna@example.org", remember=True)
    sign_in(client, "anna@example.org")
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign out everywhere" in page
    assert page.count("signed in on") - page.count("If you signed in on") == 2
    assert page.count("(this device)") == 1
    response = client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert other.get("/account").status_code == 302
    assert client.get("/account").status_code == 302
    assert session_count(app, user) == 0


def test_sign_out_everywhere_needs_the_csrf_token(app, client, user_factory):
    user = user_factory()
    login(client, user)
    assert client.post("/account/sessions/end").status_code == 400
    assert client.get("/account").status_code == 200
    assert session_count(app, user) == 1


def test_a_new_password_ends_the_other_sessions_but_keeps_this_one(app, client, user_factory):
    user = user_factory(email_address="anna@example.org")
    other = app.test_client()
    sign_in(other, "anna@example.org", remember=True)
    sign_in(client, "anna@example.org")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert session_count(app, user) == 1


def test_deleting_the_account_ends_its_sessions(app, client, user_factory):
    user = user_factory(email_address="anna@example.org")
    other = app.test_client()
    login(other, user)
    login(client, user)
    client.post(
        "/account/delete",
        data={"csrf_token": csrf_token(client, "/account/delete"), "password": PASSWORD, "confirm": "y"},
    )
    assert other.get("/account").status_code == 302
    assert session_count(app, user) == 0


def test_the_database_keeps_only_a_hash_of_the_token(app, client, user_factory):
    user = user_factory()
    token = login(client, user)
    with app.app_context():
        [row] = db.session.scalars(select(AccountSession).where(AccountSession.user_id == user.id))
        assert row.token_hash == sessions.hash_token(token) != token


def test_sessions_expire(app, client, user_factory, monkeypatch):
    user = user_factory()
    login(client, user)
    remembered = app.test_client()
    login(remembered, user, remember=True)
    later = utcnow() + timedelta(hours=25)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert client.get("/account").status_code == 302  # a day without "stay signed in"
    assert remembered.get("/account").status_code == 200  # a year with it


def test_signing_in_clears_the_accounts_expired_sessions(app, user_factory, monkeypatch):
    user = user_factory()
    login(app.test_client(), user)
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    login(app.test_client(), user)
    assert session_count(app, user) == 1


def test_the_signed_in_user_costs_one_query(app, user_factory):
    user = user_factory()
    with app.test_request_context():
        token = sessions.start(user)
        db.session.commit()
    statements = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):  # the test's transaction
            statements.append(statement)

    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert sessions.load(token).id == user.id
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements


def test_a_session_dies_with_its_user_row(app, user_factory):
    """ON DELETE CASCADE: removing an account row (e.g. by hand) leaves no session behind."""
    user = user_factory()
    login(app.test_client(), user)
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AccountSession)) == 0


def test_the_browser_label_names_browser_and_system_only():
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    chrome = (
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36"
    )
    assert sessions._browser_label(firefox) == "Firefox · Linux"
    assert sessions._browser_label(chrome) == "Chrome · Android"
    assert sessions._browser_label("curl/8.0") == ""
