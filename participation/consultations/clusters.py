"""The cluster pyramid: visible ideas counted per grid cell at a few zoom levels.

Zoomed-out views of a busy map show clusters. Grouping every matching row at request time
cost a scan of all ideas in view; the pyramid keeps, per consultation and level, each cell's
number of ideas and the sum of their centres, so a view reads at most CLUSTER_GRID² cells.

Cells are squares of `base / 2**level` in the map's own coordinates (degrees on geographic
maps, pixels on plans), on a grid fixed in those coordinates: a new participation area moves
no cell. Every level is an exact subdivision of the one above (an idea's cell at a coarser
level is its finest cell shifted right), so a cell equals the sum of its 4 x 4 children.

It is kept up to date by the core's events: a flush that adds, moves, hides or removes ideas
announces the centres it touched (IDEAS_PLACED) and, once that is committed, the touched
cells are counted again, the finest from the ideas there and each coarser one from its
children. Counting again rather than adding and subtracting leaves the pyramid right after
any interruption; `rebuild()` recounts a whole consultation (after bulk loads, `flask
consultations rebuild-clusters`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from flask import has_app_context
from sqlalchemy import Integer, bindparam, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from participation.consultations.models import ClusterCell, Consultation, Idea
from participation.core import compiled_statements, events, geo
from participation.core.content import Visibility
from participation.extensions import db

IDEAS_PLACED = "consultations.ideas_placed"
EVENTS = {IDEAS_PLACED: "visible ideas of a consultation were added, moved, hidden or removed"}

FINEST = 24
LEVELS = tuple(range(4, FINEST + 1, 2))  # each cell holds 4 x 4 cells of the next level
GEOGRAPHIC_BASE = 360.0  # degrees: level 24 cells are 2.1e-5 degrees, about 1.5 m in Leipzig
PLAN_BASE = float(2**20)  # pixels: level 24 cells are 1/16 pixel


def base_of(consultation: Consultation) -> float:
    return PLAN_BASE if consultation.is_plan else GEOGRAPHIC_BASE


def finest_cell(x: float, y: float, base: float) -> tuple[int, int]:
    scale = 2**FINEST / base
    return math.floor(x * scale), math.floor(y * scale)


def cell_at(finest: tuple[int, int], level: int) -> tuple[int, int]:
    shift = FINEST - level
    return finest[0] >> shift, finest[1] >> shift


def cell_box(cell: tuple[int, int], level: int, base: float) -> geo.BBox:
    size = base / 2**level
    return geo.BBox(cell[0] * size, cell[1] * size, (cell[0] + 1) * size, (cell[1] + 1) * size)


def level_for(box: geo.BBox, consultation: Consultation, most_across: int) -> int:
    """The finest level at which `box` spans at most `most_across` cells each way."""
    extent = max(box.max_x - box.min_x, box.max_y - box.min_y)
    if extent <= 0:
        return FINEST
    fitting = [level for level in LEVELS if extent * 2**level / base_of(consultation) <= most_across - 1]
    return fitting[-1] if fitting else LEVELS[0]


def cells_in(consultation: Consultation, level: int, box: geo.BBox):
    """A select of (x, y, count, sum_x, sum_y) of the cells at `level` that meet `box`."""
    columns, values = _cells_values(consultation, level, box)
    return _cells_statement(columns).params(values)


def counted_cells(consultation: Consultation, level: int, box: geo.BBox) -> list[tuple]:
    """The rows of cells_in(), by a statement compiled once per number of columns of cells:
    every pan of the map asks this before anything else (core.compiled_statements)."""
    columns, values = _cells_values(consultation, level, box)
    build = partial(_cells_statement, columns)
    result = compiled_statements.run(db.session.connection(), ("cells-in", columns), build, values)
    return [tuple(row) for row in result]


def _cells_values(consultation: Consultation, level: int, box: geo.BBox) -> tuple[int, dict]:
    base = base_of(consultation)
    low = cell_at(finest_cell(box.min_x, box.min_y, base), level)
    high = cell_at(finest_cell(box.max_x, box.max_y, base), level)
    # At most 17 columns on a map (level 4 cells are 22.5 degrees wide) and about 300 on a plan
    # (the API takes pixels within ±10 million): the compiled statements stay few.
    columns = high[0] - low[0] + 1
    values = {"consultation_id": consultation.id, "level": level, "y_low": low[1], "y_high": high[1]}
    values.update((f"x{i}", low[0] + i) for i in range(columns))
    return columns, values


def _cells_statement(columns: int):
    return select(
        ClusterCell.x, ClusterCell.y, ClusterCell.count, ClusterCell.sum_x, ClusterCell.sum_y
    ).where(
        ClusterCell.consultation_id == bindparam("consultation_id", type_=Integer),
        ClusterCell.level == bindparam("level", type_=Integer),
        # an IN list, not a range: each column of cells is one seek of the primary key
        ClusterCell.x.in_([bindparam(f"x{i}", type_=Integer) for i in range(columns)]),
        ClusterCell.y.between(bindparam("y_low", type_=Integer), bindparam("y_high", type_=Integer)),
    )


def coarsened(cells: list[tuple], levels_up: int) -> list[tuple]:
    """Cells (x, y, count, sum_x, sum_y) joined into the cells `levels_up` levels coarser
    that hold them: a cell's parent one level up is (x // 2, y // 2), as finest_cell floors."""
    if levels_up <= 0:
        return cells
    joined: dict[tuple[int, int], list] = {}
    for x, y, count, sum_x, sum_y in cells:
        parent = joined.setdefault((x >> levels_up, y >> levels_up), [0, 0.0, 0.0])
        parent[0] += count
        parent[1] += sum_x
        parent[2] += sum_y
    return [(x, y, count, sum_x, sum_y) for (x, y), (count, sum_x, sum_y) in joined.items()]


def _centre(min_x, min_y, max_x, max_y) -> tuple[float, float]:
    return (min_x + max_x) / 2, (min_y + max_y) / 2


def _cell_rows(consultation_id: int, level: int, cells: dict) -> list[dict]:
    return [
        {
            "consultation_id": consultation_id,
            "level": level,
            "x": x,
            "y": y,
            "count": n,
            "sum_x": sum_x,
            "sum_y": sum_y,
        }
        for (x, y), (n, sum_x, sum_y) in cells.items()
    ]


def rebuild(consultation: Consultation) -> int:
    """Count the whole consultation again; returns the number of cells written."""
    return rebuild_on(db.session, consultation.id, base_of(consultation))


def rebuild_on(executor, consultation_id: int, base: float) -> int:
    """rebuild() through a session or a plain connection (the migration has no app)."""
    # plain tables: a migration or a bulk load has no configured mappers
    ideas, cells_table = Idea.__table__.c, ClusterCell.__table__
    executor.execute(delete(cells_table).where(cells_table.c.consultation_id == consultation_id))
    levels: dict[int, dict] = {level: defaultdict(lambda: [0, 0.0, 0.0]) for level in LEVELS}
    boxes = executor.execute(
        select(ideas.min_lon, ideas.min_lat, ideas.max_lon, ideas.max_lat).where(
            ideas.consultation_id == consultation_id,
            ideas.visibility == Visibility.VISIBLE.value,
            ideas.min_lon.is_not(None),
        )
    ).all()
    for box in boxes:
        x, y = _centre(*box)
        finest = finest_cell(x, y, base)
        for level, cells in levels.items():
            cell = cells[cell_at(finest, level)]
            cell[0] += 1
            cell[1] += x
            cell[2] += y
    written = 0
    for level, cells in levels.items():
        rows = _cell_rows(consultation_id, level, cells)
        for start in range(0, len(rows), 5000):
            executor.execute(insert(cells_table), rows[start : start + 5000])
        written += len(rows)
    return written


# More touched places than this (an import, a moderator hiding a spammer's ideas at once) are
# counted faster all over again.
REBUILD_ABOVE = 200


def refresh(consultation: Consultation, centres: Iterable[tuple[float, float]]) -> None:
    """Count again the cells that hold these centres, at every level."""
    base = base_of(consultation)
    touched = {finest_cell(x, y, base) for x, y in centres}
    if len(touched) > REBUILD_ABOVE:
        rebuild(consultation)
        return
    finest_cells = {cell_at(cell, FINEST) for cell in touched}
    for cell in finest_cells:
        _write(consultation.id, FINEST, cell, _count_ideas(consultation, cell, base))
    for level in reversed(LEVELS[:-1]):
        for cell in {cell_at(finest, level) for finest in touched}:
            _write(consultation.id, level, cell, _count_children(consultation.id, level, cell))


def _count_ideas(consultation: Consultation, cell: tuple[int, int], base: float) -> tuple[int, float, float]:
    from participation.consultations import spatial

    box = cell_box(cell, FINEST, base)
    rows = db.session.execute(
        select(Idea.min_lon, Idea.min_lat, Idea.max_lon, Idea.max_lat).where(
            Idea.consultation_id == consultation.id,
            Idea.visibility == Visibility.VISIBLE.value,
            spatial.overlapping(
                Idea, box, dialect=db.session.get_bind().dialect.name, plan=consultation.is_plan
            ),
        )
    )
    n, sum_x, sum_y = 0, 0.0, 0.0
    for row in rows:
        x, y = _centre(*row)
        if finest_cell(x, y, base) == cell:
            n, sum_x, sum_y = n + 1, sum_x + x, sum_y + y
    return n, sum_x, sum_y


def _count_children(consultation_id: int, level: int, cell: tuple[int, int]) -> tuple[int, float, float]:
    child = level + 2
    low_x, low_y = cell[0] * 4, cell[1] * 4
    n, sum_x, sum_y = db.session.execute(
        select(func.sum(ClusterCell.count), func.sum(ClusterCell.sum_x), func.sum(ClusterCell.sum_y)).where(
            ClusterCell.consultation_id == consultation_id,
            ClusterCell.level == child,
            ClusterCell.x.in_([low_x, low_x + 1, low_x + 2, low_x + 3]),
            ClusterCell.y.between(low_y, low_y + 3),
        )
    ).one()
    return int(n or 0), float(sum_x or 0.0), float(sum_y or 0.0)


def _write(
    consultation_id: int, level: int, cell: tuple[int, int], figures: tuple[int, float, float]
) -> None:
    db.session.execute(
        delete(ClusterCell).where(
            ClusterCell.consultation_id == consultation_id,
            ClusterCell.level == level,
            ClusterCell.x == cell[0],
            ClusterCell.y == cell[1],
        )
    )
    if figures[0]:
        db.session.execute(insert(ClusterCell), _cell_rows(consultation_id, level, {cell: figures}))


# --- announcing what a flush changed ---------------------------------------------------------

_PLACE = ("min_lon", "min_lat", "max_lon", "max_lat", "visibility", "consultation_id")


def _placed(values: dict) -> tuple[int, float, float] | None:
    """(consultation, centre) where these values count in the pyramid, None where not."""
    if values["visibility"] != Visibility.VISIBLE.value or values["min_lon"] is None:
        return None
    x, y = _centre(values["min_lon"], values["min_lat"], values["max_lon"], values["max_lat"])
    return values["consultation_id"], x, y


def _before(idea: Idea) -> dict:
    state = inspect(idea)
    values = {}
    for name in _PLACE:
        history = state.attrs[name].history
        values[name] = history.deleted[0] if history.deleted else getattr(idea, name)
    return values


def _now(idea: Idea) -> dict:
    return {name: getattr(idea, name) for name in _PLACE}


def _touched(session: Session) -> dict[int, set[tuple[float, float]]]:
    places = []
    for idea in session.new:
        if isinstance(idea, Idea):
            places.append(_placed(_now(idea)))
    for idea in session.deleted:
        if isinstance(idea, Idea):
            places.append(_placed(_before(idea)))
    for idea in session.dirty:
        if isinstance(idea, Idea) and any(inspect(idea).attrs[name].history.has_changes() for name in _PLACE):
            places += [_placed(_before(idea)), _placed(_now(idea))]
    touched: dict[int, set[tuple[float, float]]] = defaultdict(set)
    for place in filter(None, places):
        touched[place[0]].add(place[1:])
    return touched


def _announce(session: Session, _flush_context) -> None:
    if not has_app_context() or session is not db.session() or IDEAS_PLACED not in events.KINDS:
        return  # another session (a script's own) announces nothing; rebuild() is for those
    for consultation_id, centres in _touched(session).items():
        events.emit(
            IDEAS_PLACED,
            subject=("consultation", consultation_id),
            centres=sorted([x, y] for x, y in centres),
        )


def _on_ideas_placed(event) -> None:
    consultation = db.session.get(Consultation, event.subject_id)
    if consultation is not None:
        refresh(consultation, [tuple(centre) for centre in event["centres"]])


def init_app() -> None:
    events.declare_all(EVENTS)
    events.subscribe(IDEAS_PLACED, _on_ideas_placed)
    if not event.contains(Session, "after_flush", _announce):
        event.listen(Session, "after_flush", _announce)
