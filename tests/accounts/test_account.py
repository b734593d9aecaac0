
from flask_babel import force_locale
from sqlalchemy import select

from participation.accounts.models import User
from participation.accounts.passwords import verify_password
from participation.extensions import db
from participation.pages.models import AccessibilityFeedback
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "a brand new passphrase"


def test_settings_change_name_language_and_notification_mail(client, app, login_as):
    user = login_as("resident")
    response = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "display_name": "Neuer Name",
            "locale": "ar",
            "notification_mail": "daily",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.display_name, stored.locale, stored.notification_mail) == ("Neuer Name", "ar", "daily")
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_invalid_settings_keep_the_input_and_change_nothing(client, app, login_as):
    user = login_as("resident")
    response = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "display_name": "X",
            "locale": "xx",
            "notification_mail": "daily",
        },
    )
    assert response.status_code == 422
    assert 'value="X"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).display_name == user.display_name


def test_change_password_needs_the_current_one(client, app, login_as):
    user = login_as("resident")
    token = csrf_token(client, "/account/password")
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "wrong one here", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    right = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert right.status_code == 302
    assert client.get("/account").status_code == 200  # this session stays signed in
    with app.app_context():
        assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)


def test_unconfirmed_user_can_ask_for_a_new_link(client, login_as, outbox):
    user = login_as("resident", confirmed=False)
    response = client.post("/account/confirm/resend", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert outbox.last_link(user.email).startswith("http://localhost/confirm/")


def test_delete_account_erases_personal_data_and_signs_out(client, app, login_as):
    user = login_as("resident")
    client.post(
        "/barrierefreiheit",
        data={
            "csrf_token": csrf_token(client, "/barrierefreiheit"),
            "message": "Ich kann die Karte nicht mit der Tastatur bedienen.",
        },
    )
    page = client.get("/account/delete", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "deleted user" in page  # the page says what happens to contributions
    token = csrf_token(client, "/account/delete")
    response = client.post(
        "/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/deleted"
    confirmation = client.get("/account/deleted", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Your account has been deleted</h1>" in confirmation
    for erased in (
        "Your email address, display name, password and settings",
        "Your support for ideas, and the photos of your ideas",
        "Your votes on comments",
        "What you followed, your notifications",
        "Your feedback on accessibility",
    ):
        assert erased in confirmation
    assert "deleted user" in confirmation  # and what stays
    assert client.get("/account").status_code == 302  # signed out
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.email is None and stored.display_name is None and stored.password_hash is None
        assert stored.is_deleted
        with force_locale("en"):
            assert stored.public_name == "deleted user"
        assert db.session.scalars(select(AccessibilityFeedback)).all() == []


def test_delete_needs_password_and_confirmation(client, app, login_as):
    user = login_as("resident")
    token = csrf_token(client, "/account/delete")
    no_tick = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    wrong = client.post(
        "/account/delete", data={"csrf_token": token, "password": "wrong password!", "confirm": "y"}
    )
    assert no_tick.status_code == wrong.status_code == 422
    with app.app_context():
        assert not db.session.get(User, user.id).is_deleted


def test_last_admin_cannot_delete_their_account(client, app, user_factory):
    admin = user_factory(role="admin")
    login(client, admin)
    token = csrf_token(client, "/account/delete")
    client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    with app.app_context():
        assert not db.session.get(User, admin.id).is_deleted


def test_the_deletion_page_is_only_for_the_browser_that_deleted(client):
    assert client.get("/account/deleted").headers["Location"] == "/"
