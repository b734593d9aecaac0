from sqlalchemy import func, select

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def signup(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/signup"),
        "display_name": "Marie Sommer",
        "email": "marie@example.org",
        "password": PASSWORD,
        "accept_terms": "y",
    }
    data.update(overrides)
    return client.post("/signup", data={k: v for k, v in data.items() if v is not None})


def test_signup_creates_an_unconfirmed_account_and_mails_a_link(client, app, outbox):
    response = signup(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert "marie@example.org" in page
    assert "Link erneut senden" in page
    [mail] = outbox.messages
    assert mail["To"] == "marie@example.org"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "marie@example.org"))
        assert user.display_name == "Marie Sommer"
        assert not user.email_confirmed
        assert user.password_hash.startswith("$argon2id$")
        assert user.terms_accepted_at is not None


def test_confirmation_link_confirms_the_address(client, app, outbox):
    signup(client)
    link = outbox.last_link("marie@example.org")
    response = client.get(link)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(User.by_email("marie@example.org")).email_confirmed


def test_signup_language_follows_the_page_language(client, app, outbox):
    client.get("/language/uk?next=/signup")
    signup(client)
    with app.app_context():
        assert db.session.scalar(User.by_email("marie@example.org")).locale == "uk"
    assert "Subject" in outbox.messages[0]
    assert outbox.messages[0]["Subject"] != "Please confirm your email address"  # Ukrainian mail


def test_short_password_is_refused_and_the_form_keeps_what_was_typed(client, app):
    response = signup(client, password="too-short")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Marie Sommer"' in page
    assert 'value="marie@example.org"' in page
    assert "too-short" not in page  # never echo a password
    assert "mindestens 12 Zeichen" in page
    assert user_count(app) == 0


def test_invalid_email_is_refused_with_a_message(client, app):
    response = signup(client, email="marie-at-example")
    assert response.status_code == 422
    assert "gültige E-Mail-Adresse" in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_terms_must_be_accepted(client, app):
    response = signup(client, accept_terms=None)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_duplicate_email_gets_a_clear_message_and_no_second_account(client, app, user_factory):
    user_factory(email_address="marie@example.org")
    response = signup(client, email="Marie@Example.org ")
    assert response.status_code == 422
    assert "Es gibt bereits ein Konto mit dieser E-Mail-Adresse." in response.get_data(as_text=True)
    assert user_count(app) == 1


def test_missing_csrf_token_returns_the_filled_form_and_writes_nothing(client, app):
    response = client.post(
        "/signup",
        data={
            "display_name": "Marie Sommer",
            "email": "marie@example.org",
            "password": PASSWORD,
            "accept_terms": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="marie@example.org"' in page
    assert "Bitte senden Sie das Formular erneut" in page
    assert user_count(app) == 0


def test_english_error_messages_for_english_visitors(client):
    client.set_cookie("locale", "en")
    response = signup(client, password="short")
    assert "Your password needs at least 12 characters." in response.get_data(as_text=True)
