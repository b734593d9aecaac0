"""The language switcher is a GET: it changes this browser's pages, never the account's
stored language (which mails use). Only the account form, a POST with CSRF, saves that."""

from __future__ import annotations

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import csrf_token, login


def html_lang(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('<html lang="') + len('<html lang="')
    return page[start : page.index('"', start)]


def stored_locale(app, user) -> str | None:
    with app.app_context():
        return db.session.get(User, user.id).locale


def test_the_switcher_changes_this_browsers_pages_not_the_account(app, client, user_factory):
    user = user_factory(locale="ar")
    login(client, user)
    response = client.get("/language/en?next=/account")  # e.g. a link on another site
    assert response.status_code == 302
    assert html_lang(client.get("/account")) == "en"
    assert stored_locale(app, user) == "ar"  # mails still go out in Arabic
    other_device = app.test_client()
    login(other_device, user)
    assert html_lang(other_device.get("/")) == "ar"


def test_the_account_form_saves_the_language_and_it_applies_at_once(app, client, user_factory):
    user = user_factory(locale="ar")
    login(client, user)
    client.get("/language/en?next=/account")
    response = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "display_name": user.display_name,
            "locale": "uk",
            "notification_mail": "daily",
        },
    )
    assert response.status_code == 302
    assert stored_locale(app, user) == "uk"
    assert html_lang(client.get("/account")) == "uk"  # the saved choice now outranks the switcher


def test_after_signing_out_the_switcher_still_decides(app, client, user_factory):
    login(client, user_factory(locale="ar"))
    client.get("/language/en?next=/")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    client.get("/language/uk?next=/")
    assert html_lang(client.get("/")) == "uk"
