"""Accounts: residents, roles, sign-up and sign-in, settings, data export and deletion."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.accounts import admin_views, api_tokens, personal_data, sessions, token_views, views  # noqa: F401 - routes on bp
    from participation.accounts.blueprint import bp
    from participation.accounts.cli import users_cli
    from participation.extensions import login_manager

    # Flask-Login keeps the id of the server-side session (AccountSession), not of the user.
    login_manager.user_loader(sessions.load)
    personal_data.register()
    # Routes with Access.STAFF_TOKEN find the acting person by a personal API token (core.access).
    app.extensions["api_token_loader"] = api_tokens.user_for
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
