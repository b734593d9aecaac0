"""The spatial index (PostGIS GiST / SQLite R*Tree), the cluster pyramid and the map answers'
ETags, on whichever database the suite runs on."""

from __future__ import annotations

import random
import re

import pytest
from flask_caching.backends import SimpleCache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from participation.consultations import clusters, queries
from participation.consultations.models import ClusterCell, Consultation, Idea
from participation.core import geo
from participation.extensions import cache, db

WEST, SOUTH, EAST, NORTH = 12.320, 51.320, 12.340, 51.335  # tests/consultations/conftest.AREA's box
# A crowded square: a third of the ideas within about 50 m of it.
SQUARE = (12.3297, 51.3281)


def _shapes(count: int, seed: int = 7) -> list[dict]:
    """Points, short lines and small areas: a third crowded around SQUARE, the rest spread."""
    rng = random.Random(seed)
    shapes = []
    for n in range(count):
        if n % 3 == 0:
            x, y = rng.gauss(SQUARE[0], 0.0006), rng.gauss(SQUARE[1], 0.0004)
        else:
            x, y = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        roll = rng.random()
        if roll < 0.8:
            shapes.append({"type": "Point", "coordinates": [x, y]})
        elif roll < 0.9:
            shapes.append({"type": "LineString", "coordinates": [[x, y], [x + 0.0009, y + 0.0002]]})
        else:
            shapes.append(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[x, y], [x + 0.0004, y], [x + 0.0004, y + 0.0003], [x, y + 0.0003], [x, y]]
                    ],
                }
            )
    return [geo.normalise(shape) for shape in shapes]


def _load(consultation_id: int, author_id: int, count: int) -> None:
    """Plain INSERTs, as a bulk load writes: the database's triggers keep the index."""
    rows = []
    for n, shape in enumerate(_shapes(count)):
        box = geo.bbox(shape)
        rows.append(
            {
                "consultation_id": consultation_id,
                "author_id": author_id,
                "title": f"Idee {n}",
                "body": "x",
                "kind": geo.kind_of(shape),
                "visibility": "hidden" if n % 17 == 0 else "visible",
                "geometry": shape,
                "min_lon": box.min_x,
                "min_lat": box.min_y,
                "max_lon": box.max_x,
                "max_lat": box.max_y,
            }
        )
    db.session.execute(insert(Idea), rows)


@pytest.fixture
def crowded(app, make_consultation, user_factory):
    """A consultation with 3,000 ideas, a third of them around one square; yields its id."""
    consultation = make_consultation()
    author = user_factory()
    with app.app_context():
        _load(consultation.id, author.id, 3000)
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("ANALYZE idea"))  # what autovacuum does after such a load
        clusters.rebuild(db.session.get(Consultation, consultation.id))
        db.session.commit()
    return consultation.id


def _plan(statement) -> str:
    compiled = statement.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    if db.session.get_bind().dialect.name == "sqlite":
        return " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    return " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize("where", [SQUARE, (12.3235, 51.3315)], ids=["crowded square", "quiet street"])
def test_a_street_sized_box_is_answered_from_the_spatial_index(app, crowded, where):
    box = geo.BBox(where[0] - 0.0014, where[1] - 0.0006, where[0] + 0.0014, where[1] + 0.0006)
    with app.app_context():
        consultation = db.session.get(Consultation, crowded)
        plan = _plan(queries.in_box(consultation, queries.IdeaFilters(bbox=box)))
        dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        assert "SCAN idea_rtree VIRTUAL TABLE INDEX" in plan, plan  # the R*Tree finds the ids
        assert re.search(r"SEARCH idea USING [^|]*\bid=\?", plan), plan  # those rows only
        assert "SCAN idea " not in plan and not plan.endswith("SCAN idea"), plan
    else:
        assert "ix_idea_geom" in plan and "&&" in plan, plan  # GiST, no sequential scan
        assert "Seq Scan on idea" not in plan, plan


def test_a_view_reads_only_the_pyramid_cells_it_shows(app, crowded):
    """The cells of one level in view come from the primary key, one seek per column."""
    with app.app_context():
        consultation = db.session.get(Consultation, crowded)
        view = geo.BBox(WEST, SOUTH, EAST, NORTH)
        level = clusters.level_for(view, consultation, queries.CLUSTER_GRID)
        plan = _plan(clusters.cells_in(consultation, level, view))
        dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        assert re.search(
            r"SEARCH idea_cluster_cell USING .*"
            r"\(consultation_id=\? AND level=\? AND x=\? AND y>\? AND y<\?\)",
            plan,
        ), plan
    else:
        assert "pk_idea_cluster_cell" in plan, plan


_coordinate = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corners=st.tuples(_coordinate, _coordinate, st.floats(0.0, 0.3), st.floats(0.0, 0.3)))
def test_box_answers_equal_a_plain_scan(app, crowded, corners):
    """Whatever the box, the index finds exactly the visible ideas whose box overlaps it:
    the R*Tree's and GiST's single-precision boxes never lose or add one."""
    fx, fy, fw, fh = corners
    west, south = WEST + fx * (EAST - WEST), SOUTH + fy * (NORTH - SOUTH)
    box = geo.BBox(west, south, west + fw * (EAST - WEST), south + fh * (NORTH - SOUTH))
    with app.app_context():
        consultation = db.session.get(Consultation, crowded)
        found = set(
            db.session.scalars(
                queries.in_box(consultation, queries.IdeaFilters(bbox=box)).with_only_columns(Idea.id)
            )
        )
        every = db.session.execute(
            select(Idea.id, Idea.min_lon, Idea.min_lat, Idea.max_lon, Idea.max_lat).where(
                Idea.consultation_id == crowded, Idea.visibility == "visible"
            )
        ).all()
    expected = {row.id for row in every if box.intersects(geo.BBox(*row[1:]))}
    assert found == expected


def _cells(consultation_id: int) -> dict:
    rows = db.session.execute(
        select(ClusterCell).where(ClusterCell.consultation_id == consultation_id)
    ).scalars()
    return {(c.level, c.x, c.y): (c.count, round(c.sum_x, 6), round(c.sum_y, 6)) for c in rows}


def test_the_pyramid_follows_ideas_as_they_come_move_hide_and_go(app, make_consultation, make_idea):
    consultation = make_consultation()
    ideas = [make_idea(consultation, lonlat=(12.321 + n * 0.0013, 51.322 + n * 0.0009)) for n in range(12)]
    with app.app_context():
        moved = db.session.get(Idea, ideas[0].id)
        moved.set_geometry({"type": "Point", "coordinates": [12.338, 51.334]})
        db.session.get(Idea, ideas[1].id).visibility = "hidden"
        db.session.delete(db.session.get(Idea, ideas[2].id))
        db.session.commit()
        kept = _cells(consultation.id)
        clusters.rebuild(db.session.get(Consultation, consultation.id))
        assert _cells(consultation.id) == kept  # counted as it went = counted all over again
        level = clusters.LEVELS[0]
        assert sum(n for (lvl, _x, _y), (n, _sx, _sy) in kept.items() if lvl == level) == 10
        db.session.rollback()


def test_a_new_idea_changes_the_kept_clusters_of_the_whole_area_view(
    client, app, make_consultation, make_idea, monkeypatch
):
    """The answer is kept in the shared cache, and a new idea that changes the clusters changes it."""
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())
    consultation = make_consultation()
    for n in range(6):
        make_idea(consultation, lonlat=(12.322 + n * 0.0002, 51.322))
    monkeypatch.setattr(queries, "CLUSTER_ABOVE", 3)
    path = f"/api/v1/consultations/{consultation.slug}/ideas.geojson"
    before = client.get(path).get_json()
    assert before["properties"]["clustered"] is True and before["properties"]["total"] == 6
    assert client.get(path).get_json() == before
    make_idea(consultation, lonlat=(12.338, 51.334))  # far from the others: a cluster of its own
    after = client.get(path).get_json()
    assert after["properties"]["total"] == 7
    assert len(after["features"]) == len(before["features"]) + 1
    [alone] = [f for f in after["features"] if f["properties"]["count"] == 1]
    assert alone["geometry"]["coordinates"] == pytest.approx([12.338, 51.334])


def test_map_answers_carry_an_etag_that_moves_with_the_ideas(
    app, client, make_consultation, make_idea, monkeypatch
):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())
    consultation = make_consultation()
    make_idea(consultation)
    path = f"/api/v1/consultations/{consultation.slug}/ideas.geojson?bbox=12.32,51.32,12.34,51.335"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert len(first.get_json()["features"]) == 1
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    make_idea(consultation, lonlat=(12.326, 51.331))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert len(changed.get_json()["features"]) == 2
