"""Every route has an access rule, and every rule admits exactly the right people."""

import pytest

from participation.access_table import ROUTE_ACCESS
from participation.core.access import Access, allows
from tests.conftest import login

ROLES = [None, "resident", "moderator", "staff", "admin"]

# Who gets in, per rule: anonymous, resident, moderator, staff, admin
EXPECTED = {
    Access.PUBLIC: [True, True, True, True, True],
    Access.GUEST: [True, False, False, False, False],
    Access.SIGNED_IN: [False, True, True, True, True],
    Access.CONFIRMED: [False, True, True, True, True],
    Access.MODERATOR: [False, False, True, True, True],
    Access.STAFF: [False, False, False, True, True],
    Access.ADMIN: [False, False, False, False, True],
    Access.STAFF_TOKEN: [False, False, False, True, True],  # the token's owner (tests/council/test_live_api)
}

# One GET route without parameters for each rule, to check the rule is really enforced.
REPRESENTATIVE_ROUTES = {
    Access.PUBLIC: "/impressum",
    Access.GUEST: "/signup",
    Access.SIGNED_IN: "/account",
    Access.STAFF: "/staff/feedback",
    Access.ADMIN: "/admin/users",
}


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ROUTE_ACCESS))
    assert not missing, f"routes without an access rule: {missing}"
    stale = sorted(set(ROUTE_ACCESS) - endpoints)
    assert not stale, f"access rules for routes that do not exist: {stale}"


def test_every_rule_is_covered_by_the_expectations():
    assert set(EXPECTED) == set(Access)


@pytest.mark.parametrize("rule", list(Access))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_rule_admits_the_right_roles(rule, role_index, user_factory):
    role = ROLES[role_index]
    user = None if role is None else user_factory(role=role)
    subject = user if user is not None else _Anonymous()
    assert allows(rule, subject) is EXPECTED[rule][role_index]


def test_unconfirmed_accounts_do_not_pass_the_confirmed_rule(user_factory):
    assert not allows(Access.CONFIRMED, user_factory(confirmed=False))
    assert allows(Access.SIGNED_IN, user_factory(confirmed=False))


@pytest.mark.parametrize("rule,url", list(REPRESENTATIVE_ROUTES.items()))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_routes_enforce_their_rule(client, user_factory, rule, url, role_index):
    role = ROLES[role_index]
    if role is not None:
        login(client, user_factory(role=role))
    response = client.get(url)
    if EXPECTED[rule][role_index]:
        assert response.status_code == 200
    elif role is None:
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    elif rule is Access.GUEST:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_a_route_missing_from_the_table_is_refused(app, client):
    app.extensions["route_access"] = {k: v for k, v in ROUTE_ACCESS.items() if k != "pages.imprint"}
    try:
        assert client.get("/impressum").status_code == 403
    finally:
        app.extensions["route_access"] = ROUTE_ACCESS


class _Anonymous:
    is_authenticated = False
