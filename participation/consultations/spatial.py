"""The spatial index of ideas: PostGIS with a GiST index on PostgreSQL, R*Tree on SQLite.

Both are kept by the database itself, with triggers on the idea table, so every writer keeps
them right: the ORM, the seeds and the benchmark's bulk INSERTs alike. The statements below
run when the table is created (the test suite's create_all) and in the migration that added
them (b7e1a2c30015), from this one place.

- PostgreSQL: `idea.geom`, a PostGIS geometry made from the stored GeoJSON, in WGS 84
  (SRID 4326) on geographic maps and in the plan's pixels (SRID 0) on plan-only ones, with a
  GiST index. Boxes are asked with `&&`, which the index answers.
- SQLite: the virtual table `idea_rtree` (SQLite's built-in R*Tree module) holding each
  idea's bounding box by its id.

The index holds boxes in single precision, rounded outwards, so `overlapping()` checks the
exact box columns as well: the index narrows, the columns decide.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from geoalchemy2 import functions as gis
from sqlalchemy import Column, Float, Integer, MetaData, Table, and_, event, literal_column, select, text

from participation.core import geo

POSTGIS_SRID_GEOGRAPHIC = 4326
POSTGIS_SRID_PLAN = 0  # pixels of a plan: no coordinate reference system

# The R*Tree as a Core table, for queries; created by the statements below, not by create_all.
rtree = Table(
    "idea_rtree",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("min_x", Float),
    Column("max_x", Float),
    Column("min_y", Float),
    Column("max_y", Float),
)
geom_column = literal_column("idea.geom", Geometry())

POSTGRESQL_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS postgis",
    "ALTER TABLE idea ADD COLUMN IF NOT EXISTS geom geometry",
    "CREATE INDEX IF NOT EXISTS ix_idea_geom ON idea USING gist (geom)",
    # only this module's constants are formatted in
    f"""
    CREATE OR REPLACE FUNCTION idea_set_geom() RETURNS trigger AS $$
    BEGIN
        IF NEW.geometry IS NULL THEN
            NEW.geom := NULL;
        ELSE
            NEW.geom := ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry::text), (
                SELECT CASE WHEN c.map_mode = 'plan' THEN {POSTGIS_SRID_PLAN}
                    ELSE {POSTGIS_SRID_GEOGRAPHIC} END
                FROM consultation c WHERE c.id = NEW.consultation_id));
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,  # noqa: S608
    "DROP TRIGGER IF EXISTS idea_geom ON idea",
    """
    CREATE TRIGGER idea_geom BEFORE INSERT OR UPDATE OF geometry, consultation_id ON idea
    FOR EACH ROW EXECUTE FUNCTION idea_set_geom()
    """,
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS idea_geom ON idea",
    "DROP FUNCTION IF EXISTS idea_set_geom()",
    "DROP INDEX IF EXISTS ix_idea_geom",
    "ALTER TABLE idea DROP COLUMN IF EXISTS geom",
    # the extension stays: other databases' objects or a DBA's may use it
)

_RTREE_ROW = "SELECT NEW.id, NEW.min_lon, NEW.max_lon, NEW.min_lat, NEW.max_lat WHERE NEW.min_lon IS NOT NULL"
SQLITE_CREATE = (
    # a leftover of an earlier table of that name would hold other rows
    "DROP TABLE IF EXISTS idea_rtree",
    "CREATE VIRTUAL TABLE idea_rtree USING rtree(id, min_x, max_x, min_y, max_y)",
    "INSERT INTO idea_rtree SELECT id, min_lon, max_lon, min_lat, max_lat FROM idea"
    " WHERE min_lon IS NOT NULL",
    f"CREATE TRIGGER idea_rtree_insert AFTER INSERT ON idea BEGIN INSERT INTO idea_rtree {_RTREE_ROW}; END",
    f"""CREATE TRIGGER idea_rtree_update AFTER UPDATE OF min_lon, max_lon, min_lat, max_lat ON idea BEGIN
        DELETE FROM idea_rtree WHERE id = OLD.id; INSERT INTO idea_rtree {_RTREE_ROW}; END""",  # noqa: S608
    "CREATE TRIGGER idea_rtree_delete AFTER DELETE ON idea"
    " BEGIN DELETE FROM idea_rtree WHERE id = OLD.id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS idea_rtree_insert",
    "DROP TRIGGER IF EXISTS idea_rtree_update",
    "DROP TRIGGER IF EXISTS idea_rtree_delete",
    "DROP TABLE IF EXISTS idea_rtree",
)


# What the statements below make and the models do not describe: left out of autogenerate's
# comparison (migrations/env.py) and of the tests that compare tables with the models.
OUTSIDE_METADATA_TABLES = frozenset(
    {
        "spatial_ref_sys",  # PostGIS's own
        "idea_rtree",
        "idea_rtree_node",
        "idea_rtree_parent",
        "idea_rtree_rowid",  # R*Tree's
    }
)
OUTSIDE_METADATA_NAMES = frozenset({"geom", "ix_idea_geom"})


def include_in_autogenerate(obj, name, type_, _reflected, _compare_to) -> bool:
    if type_ == "table":
        return name not in OUTSIDE_METADATA_TABLES
    return name not in OUTSIDE_METADATA_NAMES


def create(connection) -> None:
    """Add the spatial index to an existing idea table (filled from its rows)."""
    statements = POSTGRESQL_CREATE if connection.dialect.name == "postgresql" else SQLITE_CREATE
    for statement in statements:
        connection.execute(text(statement))
    if connection.dialect.name == "postgresql":  # rows that were there before the trigger
        connection.execute(text("UPDATE idea SET geometry = geometry WHERE geometry IS NOT NULL"))


def drop(connection) -> None:
    statements = POSTGRESQL_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP
    for statement in statements:
        connection.execute(text(statement))


def install(idea_table) -> None:
    """Create and drop the index with the table (create_all, drop_all)."""
    event.listen(idea_table, "after_create", lambda _table, connection, **_kw: create(connection))
    event.listen(idea_table, "before_drop", lambda _table, connection, **_kw: drop(connection))


def overlapping(idea, box: geo.BBox, *, dialect: str, plan: bool):
    """A WHERE clause: the idea's bounding box overlaps `box` (edges included)."""
    exact = and_(
        idea.min_lon <= box.max_x,
        idea.max_lon >= box.min_x,
        idea.min_lat <= box.max_y,
        idea.max_lat >= box.min_y,
    )
    if dialect == "postgresql":
        srid = POSTGIS_SRID_PLAN if plan else POSTGIS_SRID_GEOGRAPHIC
        envelope = gis.ST_MakeEnvelope(box.min_x, box.min_y, box.max_x, box.max_y, srid)
        return and_(geom_column.op("&&")(envelope), exact)
    in_index = select(rtree.c.id).where(
        rtree.c.min_x <= box.max_x,
        rtree.c.max_x >= box.min_x,
        rtree.c.min_y <= box.max_y,
        rtree.c.max_y >= box.min_y,
    )
    return and_(idea.id.in_(in_index), exact)
