"""The sign-in page is the same form for every visitor: it is kept, and each visitor still gets
a CSRF token of their own session that signs them in."""

from __future__ import annotations

import re

import pytest
from flask_caching.backends import SimpleCache

from participation.extensions import cache
from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def test_the_sign_in_page_is_kept_with_a_token_for_each_visitor(app, caching, count_queries, user_factory):
    user = user_factory()
    first, second = app.test_client(), app.test_client()
    first_page = first.get("/login").get_data(as_text=True)
    with app.app_context(), count_queries() as counter:
        second_answer = second.get("/login")
    second_page = second_answer.get_data(as_text=True)
    assert second_answer.status_code == 200 and counter.count == 0  # from the kept page
    assert "\x00" not in first_page and "\x00" not in second_page
    first_token, second_token = TOKEN.search(first_page).group(1), TOKEN.search(second_page).group(1)
    assert first_token != second_token  # each visitor's own, from their own session
    assert _plain(first_page) == _plain(second_page)  # otherwise the same page
    form = {"csrf_token": second_token, "email": user.email, "password": PASSWORD}
    assert first.post("/login", data=form).status_code not in (302, 303)  # not another visitor's token
    assert second.post("/login", data=form).status_code in (302, 303)  # but this visitor's own


def _plain(page: str) -> str:
    """The page without what every answer has of its own: the token and the CSP nonce."""
    return re.sub(r'nonce="[^"]+"', "", TOKEN.sub("", page))


def test_a_wrong_password_comes_back_with_the_address_filled_in(app, caching, user_factory):
    user = user_factory()
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": user.email, "password": "wrong"})
    page = answer.get_data(as_text=True)
    assert f'value="{user.email}"' in page and "\x00" not in page
    assert TOKEN.search(client.get("/login").get_data(as_text=True))  # the kept form again
