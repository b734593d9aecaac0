"""Who may use which route: rules, roles and the before-request check.

The table itself (endpoint -> rule) is `participation.access_table.ROUTE_ACCESS`; the app
factory hands it to `enforce_access`. A route missing from the table is refused, never
served, and a test fails on it before it can ship.
"""

from __future__ import annotations

from enum import StrEnum

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(StrEnum):
    RESIDENT = "resident"
    MODERATOR = "moderator"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.MODERATOR: _l("Moderator"),
    Role.STAFF: _l("Council staff"),
    Role.ADMIN: _l("Administrator"),
}


class Access(StrEnum):
    PUBLIC = "public"  # everybody
    GUEST = "guest"  # only signed-out visitors (sign-in, sign-up); others are sent on
    SIGNED_IN = "signed_in"  # any account, confirmed or not
    CONFIRMED = "confirmed"  # an account whose email address is confirmed
    MODERATOR = "moderator"  # moderators, staff and admins
    STAFF = "staff"  # council staff and admins
    ADMIN = "admin"  # admins only
    # council staff and admins through a personal API token (Authorization: Bearer), never
    # through the session cookie: a machine's route that no browser can be tricked into using
    STAFF_TOKEN = "staff_token"  # noqa: S105 - a rule name, not a secret


# Which roles each role-based rule admits. Staff may moderate: they answer for the city.
_ROLES_ADMITTED = {
    Access.MODERATOR: {Role.MODERATOR, Role.STAFF, Role.ADMIN},
    Access.STAFF: {Role.STAFF, Role.ADMIN},
    Access.ADMIN: {Role.ADMIN},
    Access.STAFF_TOKEN: {Role.STAFF, Role.ADMIN},
}


def allows(rule: Access, user) -> bool:
    """Whether `user` (Flask-Login's current_user or a User) may use a route with `rule`."""
    if rule is Access.PUBLIC:
        return True  # before asking who it is: a public route (a live poll) need not load the user
    signed_in = bool(getattr(user, "is_authenticated", False))
    if rule is Access.GUEST:
        return not signed_in
    if not signed_in:
        return False
    if rule is Access.SIGNED_IN:
        return True
    if rule is Access.CONFIRMED:
        return user.email_confirmed
    return Role(user.role) in _ROLES_ADMITTED[rule]


def enforce_access() -> object | None:
    """before_request hook: apply the route's rule, or refuse a route that has none."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404 handler answers
        return None
    table: dict[str, Access] = current_app.extensions["route_access"]
    rule = table.get(endpoint)
    if rule is None:
        current_app.logger.error("route %s has no access rule; refusing it", endpoint)
        abort(403)
    if rule is Access.STAFF_TOKEN:
        return _enforce_token(rule)
    if allows(rule, current_user):
        return None
    if rule is Access.GUEST:
        return redirect(url_for("pages.home"))
    if not current_user.is_authenticated:
        flash(_l("Please sign in to continue."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if rule is Access.CONFIRMED:
        flash(_l("Please confirm your email address first. We can send you a new link."), "info")
        return redirect(url_for("accounts.account"))
    abort(403)


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _enforce_token(rule: Access) -> None:
    """The token's owner acts, whoever the session says is signed in; the owner is kept in
    `g.api_user` for the view. The loader comes from the accounts feature (core imports none)."""
    from flask import g

    loader = current_app.extensions.get("api_token_loader")
    user = loader(bearer_token()) if loader is not None else None
    if user is None:
        abort(401, description=_l("This address needs a personal API token (Authorization: Bearer)."))
    if not allows(rule, user):
        abort(403)
    g.api_user = user
    return None
