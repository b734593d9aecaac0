"""Reads: filtered ideas, derived support counts, and map features under a hard cap."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, bindparam, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.functions import FunctionElement

from participation.consultations import clusters, spatial
from participation.consultations import listed as listing
from participation.consultations.models import (
    IDEA_STATUS_LABELS,
    ClusterCell,
    Consultation,
    Idea,
    IdeaStatus,
    Support,
)
from participation.core import geo
from participation.core.inputs import parse_int
from participation.extensions import db

# A view with more ideas than CLUSTER_ABOVE shows clusters. The map's marker cluster joins
# markers within 80 pixels of each other, so a view about 1,100 x 650 pixels shows at most
# some 110 markers or groups apart however many it is sent; more than 150 can be neither
# told apart nor walked through with the keyboard, and every one costs the visitor bandwidth
# and the server time (a street box listing 285 ideas took 15 ms p95, twice a clustered one).
# No answer ever holds more than MAX_FEATURES features.
MAX_FEATURES = 2000
CLUSTER_ABOVE = 150
# A clustered view spans at most CLUSTER_GRID cells each way (the pyramid's levels step by 4
# cells, so 7 to 27 across). The map's marker cluster joins whatever lies within 80 pixels
# (Leaflet.markercluster's radius), so on a map about 1,100 pixels wide finer cells would only
# be sent to be joined again: a dense street box sent 489 clusters where 40 show.
CLUSTER_GRID = 28  # 784 clusters at most
# Whether a view is clustered is told from finer cells (up to COUNT_GRID across): cells
# reach past the view's edges, and coarse ones would count ideas far outside it.
COUNT_GRID = 40
_STATUSES = frozenset(status.value for status in IdeaStatus)


# The API's box filters, as regular expressions the OpenAPI document states as they are:
# `bbox` in WGS 84 degrees (longitude within ±180, latitude within ±90), `plan_bbox` in pixels
# of a plan (any position within ±10 million). No exponents, no "+", no spaces; ASCII digits.
_NUMBER = r"(?:\.[0-9]+)?"
_LONGITUDE = rf"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9]){_NUMBER})"
_LATITUDE = rf"-?(?:90(?:\.0+)?|[1-8]?[0-9]{_NUMBER})"
_PIXEL = rf"-?[0-9]{{1,7}}{_NUMBER}"
BBOX_PATTERN = f"{_LONGITUDE},{_LATITUDE},{_LONGITUDE},{_LATITUDE}"
PLAN_BBOX_PATTERN = ",".join([_PIXEL] * 4)


class InvalidFilter(ValueError):
    """A filter value the API refuses with 400 (the HTML pages leave such a value out)."""

    def __init__(self, name: str):
        super().__init__(f"malformed value for {name}")
        self.name = name


@dataclass
class IdeaFilters:
    bbox: geo.BBox | None = None  # in the consultation's own coordinates (degrees or pixels)
    category_ids: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    matches_nothing: bool = False  # an inverted box, or a box in the other coordinate system

    @classmethod
    def from_args(cls, args) -> IdeaFilters:
        """The list page's filters: malformed values are left out."""
        category_ids = [n for n in (parse_int(v) for v in args.getlist("category")) if n is not None]
        statuses = [v for v in args.getlist("status") if v in _STATUSES]
        return cls(None, category_ids, statuses)

    @classmethod
    def from_api_args(cls, args, consultation: Consultation) -> IdeaFilters:
        """The API's filters, strictly as documented: a malformed value raises InvalidFilter.

        `bbox` (degrees) filters geographic consultations and `plan_bbox` (pixels) plan-only
        ones; a box in the other system matches nothing there, as does a box whose west lies
        east of its east or whose south lies north of its north."""
        category_ids = [parse_int(v) for v in args.getlist("category")]
        if None in category_ids:
            raise InvalidFilter("category")
        statuses = args.getlist("status")
        if any(v not in _STATUSES for v in statuses):
            raise InvalidFilter("status")
        filters = cls(None, category_ids, statuses)
        for name, pattern, plan in (("bbox", BBOX_PATTERN, False), ("plan_bbox", PLAN_BBOX_PATTERN, True)):
            text = args.get(name)
            if text is None:
                continue
            if not re.fullmatch(pattern, text):
                raise InvalidFilter(name)
            box = geo.parse_bbox(text)  # None when inverted
            if box is None or plan != consultation.is_plan:
                filters.matches_nothing = True
            else:
                filters.bbox = box
        return filters

    def as_args(self) -> dict:
        args: dict = {}
        if self.category_ids:
            args["category"] = self.category_ids
        if self.statuses:
            args["status"] = self.statuses
        return args


def filtered_ideas(consultation: Consultation, filters: IdeaFilters):
    """Visible ideas of the consultation in the chosen categories and statuses (the bbox is
    is left to in_box)."""
    query = Idea.visible_in(consultation.id)
    if filters.category_ids:
        query = query.where(Idea.category_id.in_(filters.category_ids))
    if filters.statuses:
        query = query.where(Idea.status.in_(filters.statuses))
    return query


def in_box(consultation: Consultation, filters: IdeaFilters):
    """The filtered ideas that overlap the bbox (all of them without one), found through the
    spatial index (consultations/spatial.py)."""
    query = filtered_ideas(consultation, filters)
    if filters.bbox is None:
        return query
    dialect = db.session.get_bind().dialect.name
    return query.where(spatial.overlapping(Idea, filters.bbox, dialect=dialect, plan=consultation.is_plan))


LIST_ORDERS = ("newest", "supported")


def in_list_order(query, order: str = "newest"):
    """The list view's order: newest first, or most supported first (newest among equals)."""
    query = query.options(selectinload(Idea.category), selectinload(Idea.author))
    if order == "supported":
        supports = select(func.count()).where(Support.idea_id == Idea.id).correlate(Idea).scalar_subquery()
        return query.order_by(supports.desc(), Idea.id.desc())
    return query.order_by(Idea.id.desc())


def has_ideas(consultation: Consultation) -> bool:
    return (
        db.session.scalar(select(Idea.id).where(Idea.consultation_id == consultation.id).limit(1)) is not None
    )


def support_counts(idea_ids) -> dict[int, int]:
    ids = list(idea_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Support.idea_id, func.count()).where(Support.idea_id.in_(ids)).group_by(Support.idea_id)
    )
    return {idea_id: count for idea_id, count in rows}


def support_count(idea_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea_id)) or 0


def supported_by(user, idea_ids) -> set[int]:
    ids = list(idea_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            select(Support.idea_id).where(Support.user_id == user.id, Support.idea_id.in_(ids))
        )
    )


def consultation_idea_counts(consultation_ids) -> dict[int, int]:
    ids = list(consultation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Idea.consultation_id, func.count())
        .where(Idea.consultation_id.in_(ids), Idea.visibility == "visible")
        .group_by(Idea.consultation_id)
    )
    return dict(rows.all())


def map_features(consultation: Consultation, filters: IdeaFilters) -> tuple[str, bool]:
    """GeoJSON FeatureCollection (as JSON text) of matching ideas (consultations/listed.py),
    or clusters when too many match: from the pyramid for unfiltered views, grouped at request
    time for filtered ones; and whether it is clusters."""
    if filters.matches_nothing:
        empty = _collection(consultation, [], 0, clustered=False)
        empty["properties"].update(legend(consultation))
        return _dumps(empty), False
    unfiltered = not (filters.category_ids or filters.statuses)
    if unfiltered:  # the pyramid knows how many ideas are in view before any is read
        view = filters.bbox or consultation.bounds or _extent(consultation)
        cells, level = [], 0
        if view is not None:
            level = clusters.level_for(view, consultation, COUNT_GRID)
            cells = clusters.counted_cells(consultation, level, view)
        if sum(cell[2] for cell in cells) > CLUSTER_ABOVE:
            shown = clusters.level_for(view, consultation, CLUSTER_GRID)
            return _from_cells(consultation, clusters.coarsened(cells, level - shown)), True
        listed = _unfiltered_listing(consultation, filters.bbox)
    else:
        listed = listing.features(consultation, lambda: in_box(consultation, filters), CLUSTER_ABOVE)
    if listed is None:
        query = in_box(consultation, filters)
        return _dumps(_clustered(consultation, query, filters.bbox or consultation.bounds)), True
    count, features = listed
    properties = _dumps({
        "total": count,
        "clustered": False,
        "plan_coordinates": consultation.is_plan,
        **legend(consultation),
    })
    return f'{{"type":"FeatureCollection","features":[{features}],"properties":{properties}}}', False


_BOX_PARAMETERS = ("box_min_x", "box_min_y", "box_max_x", "box_max_y")


def _unfiltered_listing(consultation: Consultation, box: geo.BBox | None) -> tuple[int, str] | None:
    """The listed features of a view without filters, the one every pan of the map asks: the
    same statement each time but for its values (listed.features compiles it once)."""
    plan = consultation.is_plan
    values = {"consultation_id": consultation.id}
    shape = (plan, box is not None)
    if box is not None:
        values.update(zip(_BOX_PARAMETERS, box.as_list(), strict=True))
    return listing.features(
        consultation, lambda: _unfiltered_query(*shape), CLUSTER_ABOVE, shape=shape, values=values
    )


def _unfiltered_query(plan: bool, boxed: bool):
    """in_box() for a view without filters, with bind parameters for the consultation and the box."""
    stand_in = _ConsultationOfShape(bindparam("consultation_id", type_=Integer), plan)
    box = geo.BBox(*(bindparam(name, type_=Float) for name in _BOX_PARAMETERS)) if boxed else None
    return in_box(stand_in, IdeaFilters(box))


@dataclass(frozen=True)
class _ConsultationOfShape:
    """What in_box() reads of a consultation, for a statement made once for all of them."""

    id: object
    is_plan: bool


def legend(consultation: Consultation) -> dict:
    """What the map needs to draw and describe ideas, once per answer instead of per idea."""
    return {
        "categories": {str(c.id): {"name": c.name, "color": c.color} for c in consultation.categories},
        "status_labels": {status.value: str(label) for status, label in IDEA_STATUS_LABELS.items()},
    }


_dumps = listing.dumps


def placed(consultation: Consultation, geometry: dict, properties: dict) -> tuple[dict | None, dict]:
    """A feature's `geometry` and `properties` by RFC 7946: positions on a plan are pixels, not
    WGS 84, so they move to `properties.plan_geometry` and the geometry is null."""
    if consultation.is_plan:
        return None, {**properties, "plan_geometry": geometry}
    return geometry, properties


def _collection(consultation: Consultation, features: list[dict], total: int, clustered: bool) -> dict:
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "total": total,
            "clustered": clustered,
            "plan_coordinates": consultation.is_plan,
        },
    }


def _extent(consultation: Consultation) -> geo.BBox | None:
    """Where the visible ideas are, from the pyramid's coarsest level (no area set, no box
    asked)."""
    level = clusters.LEVELS[0]
    found = db.session.execute(
        select(
            func.min(ClusterCell.x), func.min(ClusterCell.y), func.max(ClusterCell.x), func.max(ClusterCell.y)
        ).where(ClusterCell.consultation_id == consultation.id, ClusterCell.level == level)
    ).one()
    if found[0] is None:
        return None
    low = clusters.cell_box((found[0], found[1]), level, clusters.base_of(consultation))
    high = clusters.cell_box((found[2], found[3]), level, clusters.base_of(consultation))
    return geo.BBox(low.min_x, low.min_y, high.max_x, high.max_y)


def _from_cells(consultation: Consultation, cells: list[tuple]) -> str:
    """Clusters from the pyramid's cells in view, each at the middle of its ideas, as GeoJSON
    text: a busy view has hundreds of them, written without a dict per cluster."""
    plan = consultation.is_plan

    def cluster(n: int, sum_x: float, sum_y: float) -> str:
        point = f'{{"type":"Point","coordinates":[{round(sum_x / n, 7)!r},{round(sum_y / n, 7)!r}]}}'
        if plan:  # pixels are no WGS 84 geometry (RFC 7946): see placed()
            return f'{{"type":"Feature","geometry":null,"properties":{{"cluster":true,"count":{n},' \
                   f'"plan_geometry":{point}}}}}'
        return f'{{"type":"Feature","geometry":{point},"properties":{{"cluster":true,"count":{n}}}}}'

    features = ",".join(cluster(n, sum_x, sum_y) for _x, _y, n, sum_x, sum_y in cells)
    total = sum(cell[2] for cell in cells)
    properties = _dumps({"total": total, "clustered": True, "plan_coordinates": plan})
    return f'{{"type":"FeatureCollection","features":[{features}],"properties":{properties}}}'


def _clustered(consultation: Consultation, query, box: geo.BBox | None) -> dict:
    """Filtered views have no pyramid: group their ideas by the centre of their box into a fixed
    grid over the requested area. The database does the grouping, so only the cells
    (CLUSTER_GRID² at most) travel."""
    if box is None:  # no bbox asked, no area set: the extent of the ideas themselves
        box = geo.BBox(*db.session.execute(query.with_only_columns(
            func.min(Idea.min_lon), func.min(Idea.min_lat), func.max(Idea.max_lon), func.max(Idea.max_lat)
        )).one())
    width = (box.max_x - box.min_x) or 1e-9
    height = (box.max_y - box.min_y) or 1e-9
    centre_x, centre_y = (Idea.min_lon + Idea.max_lon) / 2, (Idea.min_lat + Idea.max_lat) / 2
    cell_x = _cell(centre_x, box.min_x, width)
    cell_y = _cell(centre_y, box.min_y, height)
    rows = db.session.execute(
        query.with_only_columns(cell_x, cell_y, func.count(), func.sum(centre_x), func.sum(centre_y))
        .group_by(cell_x, cell_y)
    ).all()
    # ideas that overlap the box with their centre outside it join the nearest edge cell
    cells: dict[tuple[int, int], list[float]] = {}
    for x, y, n, sum_x, sum_y in rows:
        key = (_clamp(int(x) - CELL_OFFSET), _clamp(int(y) - CELL_OFFSET))
        cell = cells.setdefault(key, [0, 0.0, 0.0])
        cell[0] += n
        cell[1] += sum_x
        cell[2] += sum_y
    features = []
    for n, sx, sy in cells.values():
        geometry, properties = placed(
            consultation, {"type": "Point", "coordinates": [sx / n, sy / n]}, {"cluster": True, "count": n}
        )
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    total = sum(n for n, _sx, _sy in cells.values())
    return _collection(consultation, features, total, clustered=True)


# Cell numbers are shifted to stay positive, so truncation (SQLite's CAST) equals floor.
CELL_OFFSET = 1000


class _floor_int(FunctionElement):
    type = Integer()
    inherit_cache = True


@compiles(_floor_int)
def _floor_int_default(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(_floor_int, "postgresql")
def _floor_int_postgresql(element, compiler, **kw):
    return f"CAST(floor({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def _clamp(cell: int) -> int:
    return min(CLUSTER_GRID - 1, max(0, cell))


def _cell(value, start: float, size: float):
    # Numbers, not bound parameters: PostgreSQL must see the same expression in the select
    # list and in GROUP BY, and "$1" there differs from "$5" here.
    factor = literal_column(repr(float(CLUSTER_GRID) / size))
    return _floor_int((value - literal_column(repr(float(start)))) * factor + CELL_OFFSET)
