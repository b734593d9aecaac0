"""The Alembic revisions run up and down on a fresh database (SQLite, and PostgreSQL when
TEST_DATABASE_URL points at one), and leave the schema the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from participation import create_app
from participation.consultations import spatial
from participation.extensions import db
from participation.settings import Settings

CONSULTATION_TABLES = {"consultation", "consultation_category", "map_layer", "idea", "idea_support"}


def _table_of(entry) -> str | None:
    """The table an Alembic autogenerate diff entry is about."""
    if isinstance(entry, list):  # modify_* entries come wrapped in a list
        entry = entry[0]
    kind, subject = entry[0], entry[1]
    if kind in ("add_table", "remove_table"):
        return subject.name
    if kind in ("add_fk", "remove_fk"):
        return subject.parent.name
    if kind.endswith(("_index", "_constraint")):
        return subject.table.name
    return entry[2]  # add_column, remove_column, modify_*: (kind, schema, table, ...)


@pytest.fixture
def empty_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{server.database}_migrations"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_upgrade(empty_database, tmp_path):
    app = create_app(
        Settings(
            env="testing", secret_key="x", database_url=empty_database, mail_outbox_dir=str(tmp_path / "mail")
        )
    )
    # The test fixtures swap db.session for a rolled-back one; migrations need the real engine.
    with app.app_context():
        engine = db.engine
        upgrade()
        tables = set(inspect(engine).get_table_names())
        assert {"consultation", "consultation_category", "map_layer", "idea", "idea_support"} <= tables
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("idea")}
        assert "ix_idea_consultation_visibility" in indexes
        if engine.dialect.name == "postgresql":
            assert "ix_idea_geom" in indexes  # PostGIS, GiST
        else:
            assert "idea_rtree" in tables  # SQLite's R*Tree
        with engine.connect() as connection:
            options = {"include_object": spatial.include_in_autogenerate}
            context = MigrationContext.configure(connection, opts=options)
            diff = compare_metadata(context, db.metadata)
        # Only this feature's tables: other features own (and check) their revisions.
        ours = [entry for entry in diff if _table_of(entry) in CONSULTATION_TABLES]
        assert ours == [], ours
        downgrade(revision="base")
        assert "idea" not in set(inspect(engine).get_table_names())
        upgrade()
        engine.dispose()
