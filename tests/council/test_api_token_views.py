"""Staff create personal API tokens on their account: shown once, stored hashed, revocable;
a revoked token is refused by the live API at once. Residents have no such section."""

from __future__ import annotations

import re

from sqlalchemy import select

from participation.accounts.api_tokens import ApiToken
from participation.extensions import db
from tests.conftest import csrf_token, login

PAGE = "/account/api-tokens"


def create(client, name: str):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "token-name": name})


def test_a_new_token_is_shown_once_stored_hashed_and_opens_the_live_api(client, app, council, user_factory):
    login(client, user_factory(role="staff"))
    page = create(client, "Abstimmungsanlage Ratssaal").get_data(as_text=True)
    shown = re.search(r'id="new-token-value"[^>]*value="([^"]+)"', page)
    assert shown, "the new token is not shown"
    token = shown.group(1)
    assert token not in client.get(PAGE).get_data(as_text=True)  # once, never again
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.name == "Abstimmungsanlage Ratssaal" and token not in str(vars(row))
    answer = client.post(
        f"/api/v1/meetings/{council.next_meeting}/live/state",
        json={"state": "running"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200


def test_a_revoked_token_is_refused(client, app, council, user_factory):
    login(client, user_factory(role="staff"))
    page = create(client, "Tonanlage").get_data(as_text=True)
    token = re.search(r'id="new-token-value"[^>]*value="([^"]+)"', page).group(1)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoked = client.post(f"{PAGE}/{token_id}/widerrufen", data={"csrf_token": csrf_token(client, PAGE)})
    assert revoked.status_code == 302
    answer = client.post(
        f"/api/v1/meetings/{council.next_meeting}/live/state",
        json={"state": "running"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 401


def test_an_empty_name_comes_back_with_the_error_and_no_token(client, app, user_factory):
    login(client, user_factory(role="staff"))
    response = create(client, "  ")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_residents_have_no_tokens(client, user_factory):
    login(client, user_factory(role="resident"))
    assert client.get(PAGE).status_code == 403
    assert 'id="api-tokens"' not in client.get("/account").get_data(as_text=True)
