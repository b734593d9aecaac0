"""The Alembic chain goes up, down to base and up again, and matches the models exactly."""

import dataclasses
import os
import uuid

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from participation import create_app
from participation.consultations import spatial
from participation.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tables(app) -> set[str]:
    """The tables the models describe (the spatial index's own are PostGIS's and R*Tree's)."""
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"} - spatial.OUTSIDE_METADATA_TABLES


def test_migrations_up_down_up_without_drift(settings, empty_database_url):
    app = create_app(dataclasses.replace(settings, database_url=empty_database_url))
    with app.app_context():
        upgrade()
        assert "user" in tables(app)
        check()  # raises when the models and the migrated schema differ
        downgrade(revision="base")
        assert tables(app) == set()
        upgrade()
        check()
        assert tables(app) == set(db.metadata.tables)
        db.engine.dispose()
