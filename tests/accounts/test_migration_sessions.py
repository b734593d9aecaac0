"""Revision b7e1a2c30001: sessions replace the login token, and stored display names lose
the direction and control characters the forms now refuse."""

from __future__ import annotations

import dataclasses

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from participation import create_app
from participation.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401 - the fixture

SPOOFED = "Anna\u202e\u2066gizpieL tdatS\x07"


def test_the_revision_cleans_names_and_drops_the_login_token(settings, empty_database_url):  # noqa: F811
    app = create_app(dataclasses.replace(settings, database_url=empty_database_url))
    with app.app_context():
        upgrade(revision="3281e59496ff")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO \"user\" (email, display_name, role, notification_mail, login_token, "
                    "created_at, updated_at) VALUES ('a@example.org', :name, 'resident', 'never', 'tok', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"name": SPOOFED},
            )
        upgrade(revision="b7e1a2c30001")
        with db.engine.connect() as connection:
            assert connection.execute(text('SELECT display_name FROM "user"')).scalar() == "AnnagizpieL tdatS"
        columns = {column["name"] for column in inspect(db.engine).get_columns("user")}
        assert "login_token" not in columns and "account_session" in inspect(db.engine).get_table_names()
        downgrade(revision="3281e59496ff")
        with db.engine.connect() as connection:
            assert connection.execute(text('SELECT login_token FROM "user"')).scalar()
        db.engine.dispose()
