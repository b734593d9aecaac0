import re

from sqlalchemy import func, select

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


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


def test_signup_creates_an_unconfirmed_account_and_mails_a_link(english_client, app, outbox):
    response = signup(english_client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/sent"
    page = english_client.get("/signup/sent").get_data(as_text=True)
    assert "Check your inbox" in page
    assert "marie@example.org" in page
    # not signed in yet: that comes after confirming, as for an address that had an account
    assert english_client.get("/account").status_code == 302
    [mail] = outbox.messages
    assert mail["To"] == "marie@example.org"
    assert mail["Subject"] == "Please confirm your email address"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "marie@example.org"))
        assert user.display_name == "Marie Sommer"
        assert not user.email_confirmed
        assert user.password_hash.startswith("$argon2id$")
        assert user.terms_accepted_at is not None


def test_confirmation_link_confirms_and_says_what_to_do_next(english_client, app, outbox):
    signup(english_client)
    link = outbox.last_link("marie@example.org")
    response = english_client.get(link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Your email address is confirmed</h1>" in page
    assert "Sign in now" in page
    # the sign-in form is right there, with the address filled in
    assert re.search(r'<input[^>]+name="email"[^>]+value="marie@example.org"', page)
    with app.app_context():
        assert db.session.scalar(User.by_email("marie@example.org")).email_confirmed
    signed_in = english_client.post(
        "/login",
        data={"csrf_token": csrf_token(english_client), "email": "marie@example.org", "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    assert english_client.get("/account").status_code == 200


def test_confirmation_link_while_signed_in_leads_on(english_client, app, user_factory, outbox):
    user = user_factory(email_address="marie@example.org", confirmed=False)
    login(english_client, user)
    english_client.post(
        "/account/confirm/resend", data={"csrf_token": csrf_token(english_client, "/account")}
    )
    page = english_client.get(outbox.last_link("marie@example.org")).get_data(as_text=True)
    assert "Your email address is confirmed" in page
    assert 'href="/beteiligung"' in page or "See the open consultations" in page
    assert 'name="password"' not in page


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


def _answer(client, response) -> tuple:
    follow = client.get(response.headers["Location"])
    page = re.sub(r'nonce="[^"]+"', "", follow.get_data(as_text=True))  # new for every page
    return response.status_code, response.headers["Location"], follow.status_code, page


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_note(app, user_factory, outbox):
    owner = user_factory(email_address="marie@example.org", name="Marie Winter", locale="en")
    taken = app.test_client()
    taken.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    taken_answer = _answer(taken, signup(taken, email="Marie@Example.org "))
    new = app.test_client()
    new.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    new_answer = _answer(new, signup(new, email="maria@example.org"))
    # the same status, the same redirect, the same page (but for the address typed in)
    assert taken_answer[:3] == new_answer[:3] == (302, "/signup/sent", 200)
    assert taken_answer[3].replace("marie@", "maria@") == new_answer[3]
    assert "already exists" not in taken_answer[3]
    assert user_count(app) == 2  # the owner and maria; no second account for marie
    assert taken.get("/account").status_code == 302  # and nobody is signed in to it
    [note] = [mail for mail in outbox.messages if mail["To"] == "marie@example.org"]
    assert note["Subject"] == "Someone tried to create an account with your address"
    body = note.get_content()
    assert "Hello Marie Winter," in body
    assert "http://localhost/login" in body
    assert "http://localhost/password/forgot" in body
    assert "/confirm/" not in body  # the address is confirmed already
    with app.app_context():
        stored = db.session.get(User, owner.id)
        assert (stored.display_name, stored.password_hash) == (owner.display_name, owner.password_hash)


def test_an_unconfirmed_owner_gets_the_confirmation_link_again(client, user_factory, outbox):
    user_factory(email_address="marie@example.org", confirmed=False)
    signup(client)
    body = outbox.messages[-1].get_content()
    assert "http://localhost/confirm/" in body


def test_both_answers_hash_the_password(client, user_factory, monkeypatch):
    """Hashing is the slow part of a sign-up; skipping it for taken addresses would show."""
    from participation.accounts import services

    calls = []
    real_hash = services.hash_password
    monkeypatch.setattr(
        services, "hash_password", lambda password: calls.append(password) or real_hash(password)
    )
    user_factory(email_address="taken@example.org")
    calls.clear()
    signup(client, email="taken@example.org")
    signup(client, email="free@example.org")
    assert calls == [PASSWORD, PASSWORD]


def test_signups_for_one_address_are_limited(client, user_factory, outbox):
    """Each sign-up mails the address; an attacker cannot flood someone's inbox with them."""
    user_factory(email_address="marie@example.org")
    statuses = [signup(client).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(outbox.messages) == 5


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


def test_the_error_summary_names_each_field(english_client):
    response = english_client.post("/signup", data={"csrf_token": csrf_token(english_client, "/signup")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    links = re.findall(r'<a href="#([a-z_]+)">([^<]+)</a>', summary)
    assert links == [
        ("display_name", "Display name: Please fill in this field."),
        ("email", "Email address: Please fill in this field."),
        ("password", "Password: Please fill in this field."),
        ("accept_terms", "Please accept the terms of use to create an account."),
    ]


def test_a_summary_link_to_radio_buttons_leads_to_the_first_one(client, login_as):
    login_as("resident")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/account",
        data={"csrf_token": csrf_token(client, "/account"), "display_name": "Anna", "locale": ""},
    )
    page = response.get_data(as_text=True)
    assert '<a href="#notification_mail-0">Mail about notifications: Please fill in this field.</a>' in page
    assert 'id="notification_mail-0"' in page
