"""A form refused by a rate limit comes back with what was typed, the 429 status and message."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from participation.core import rate_limits
from participation.extensions import db
from participation.pages.models import AccessibilityFeedback
from tests.conftest import csrf_token


def _sign_in(client, token, email):
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": "wrong password!"},
        headers={"Accept-Language": "en"},
    )


def test_sign_in_over_the_limit_comes_back_filled_in(client):
    token = csrf_token(client)
    for attempt in range(10):  # the per-IP limit: ten a minute
        assert _sign_in(client, token, f"x{attempt}@example.org").status_code == 422
    response = _sign_in(client, token, "anna.beispiel@example.org")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert re.search(r'<input type="email" id="email" name="email" value="anna.beispiel@example.org"', page)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Too many attempts" in summary and "Please try again in 1 minute." in summary
    assert "Everything you typed is still here." in summary
    assert "expired" not in summary
    # the password is never sent back; the form still works with a fresh token
    assert 'value="wrong password!"' not in page
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', page)


def test_a_refused_form_writes_nothing_and_counts_nothing_twice(client, app):
    def send(message):
        return client.post("/barrierefreiheit", data={
            "csrf_token": csrf_token(client, "/barrierefreiheit"), "message": message,
        }, headers={"Accept-Language": "en"})

    for n in range(5):  # five a ten minutes
        assert send(f"Die Schrift ist zu klein, Nr. {n}.").status_code == 302
    response = send("Der Kontrast der Knöpfe ist zu schwach.")
    assert response.status_code == 429
    assert "Der Kontrast der Knöpfe ist zu schwach.</textarea>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessibilityFeedback)) == 5


def test_the_form_comes_back_only_for_someone_the_route_admits(app):
    """The access rule runs before the limiter; the re-run asks it again all the same."""
    post = {"method": "POST", "data": {"title": "Geheimer Entwurf"}}
    with app.test_request_context("/staff/beteiligung/neu", **post):  # nobody signed in
        assert rate_limits.form_again(1) is None


def test_a_view_that_aborts_leaves_the_plain_page(client, login_as):
    """Over the limit, an unknown slug answers as any other: the plain 429 page."""
    login_as("staff")
    token = csrf_token(client, "/staff/beteiligung/neu")
    for _ in range(60):  # the default limit on writes
        assert client.post("/staff/beteiligung/gibt-es-nicht", data={"csrf_token": token}).status_code == 404
    response = client.post("/staff/beteiligung/gibt-es-nicht", data={"csrf_token": token, "title": "Neu"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    main = response.get_data(as_text=True).split("<main", 1)[1]
    assert "<form" not in main.split("</main>")[0] and "Too many attempts" in main
