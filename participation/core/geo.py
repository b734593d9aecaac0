"""Geometry as plain GeoJSON: reading, checking, bounding boxes and containment.

Shapes are stored as GeoJSON dicts; the geometry itself (validity, self-intersection, holes,
size, containment) is GEOS's, through shapely. What is left here is what GEOS does not do:
reading GeoJSON people send, the range check of degrees, rounding, and telling the person in
their language what is wrong with a shape.

Coordinates are (x, y) pairs: (longitude, latitude) on geographic maps, (column, row from the
bottom) in image pixels on plan-only maps. Every check here works for both; only the range
check differs. Errors are `GeometryError`s whose message is translated for the person who
entered the shape.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import shapely
from flask_babel import lazy_gettext as _l
from shapely.geometry import shape

KIND_BY_TYPE = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
AREA_TYPES = {"Polygon", "MultiPolygon"}
MAX_VERTICES = 500


class GeometryError(ValueError):
    """A shape that cannot be stored; str(error) is a message for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class BBox:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    def intersects(self, other: BBox) -> bool:
        return not (
            other.min_x > self.max_x
            or other.max_x < self.min_x
            or other.min_y > self.max_y
            or other.max_y < self.min_y
        )

    def as_list(self) -> list[float]:
        return [self.min_x, self.min_y, self.max_x, self.max_y]


def parse_bbox(text: str | None) -> BBox | None:
    """`west,south,east,north` from a query string; None when absent or malformed."""
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        return None
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        return None
    west, south, east, north = parts
    if west > east or south > north:
        return None
    return BBox(west, south, east, north)


# --- parsing ---------------------------------------------------------------------------


def _coordinate(value, geographic: bool) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise GeometryError(_l("Every position needs two numbers."))
    try:
        x, y = float(value[0]), float(value[1])
    except (TypeError, ValueError) as error:
        raise GeometryError(_l("Every position needs two numbers.")) from error
    if (
        isinstance(value[0], bool)
        or isinstance(value[1], bool)
        or not (math.isfinite(x) and math.isfinite(y))
    ):
        raise GeometryError(_l("Every position needs two numbers."))
    if geographic and not (-180 <= x <= 180 and -90 <= y <= 90):
        raise GeometryError(_l("A position lies outside the valid range of longitude and latitude."))
    # 7 decimals of a degree are about a centimetre, a tenth of a pixel is finer than a click:
    # more digits only make every map answer longer (RFC 7946, section 11.2)
    return (round(x, 7), round(y, 7)) if geographic else (round(x, 1), round(y, 1))


def _ring(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) >= 2 and points[0] == points[-1]:
        points = points[:-1]
    if len(set(points)) < 3:
        raise GeometryError(_l("An area needs at least three different corners."))
    # all corners on one line (GEOS would call that a self-intersection)
    if shapely.MultiPoint(points).convex_hull.area == 0:
        raise GeometryError(_l("The area has no size."))
    outline = shapely.Polygon(points)
    if not outline.is_valid:  # one ring alone: invalid only when it crosses or touches itself
        raise GeometryError(_l("The outline of the area crosses itself."))
    if outline.area == 0:
        raise GeometryError(_l("The area has no size."))
    return points + [points[0]]


def normalise(geometry, *, geographic: bool = True, area: bool = False) -> dict:
    """Check a GeoJSON geometry (dict or JSON text) and return a clean copy.

    Ideas may be a Point, LineString or Polygon (without holes); a participation area
    (`area=True`) a Polygon or MultiPolygon, holes allowed.
    """
    if isinstance(geometry, str | bytes):
        try:
            geometry = json.loads(geometry)
        except ValueError as error:
            raise GeometryError(_l("The shape could not be read.")) from error
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "FeatureCollection":
        features = geometry.get("features") or []
        if len(features) != 1:
            raise GeometryError(_l("Please provide exactly one shape."))
        geometry = features[0].get("geometry") if isinstance(features[0], dict) else None
    if not isinstance(geometry, dict):
        raise GeometryError(_l("The shape could not be read."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    allowed = AREA_TYPES if area else set(KIND_BY_TYPE)
    if kind not in allowed or not isinstance(coordinates, list):
        raise GeometryError(_l("This kind of shape is not supported here."))
    if _count_vertices(coordinates) > MAX_VERTICES * (20 if area else 1):
        raise GeometryError(_l("The shape has too many points."))
    if kind == "Point":
        return {"type": "Point", "coordinates": list(_coordinate(coordinates, geographic))}
    if kind == "LineString":
        points = [_coordinate(c, geographic) for c in coordinates]
        if len(set(points)) < 2:
            raise GeometryError(_l("A line needs at least two different points."))
        return {"type": "LineString", "coordinates": [list(p) for p in points]}
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(coordinates, geographic, holes=area)}
    polygons = [_polygon(p, geographic, holes=True) for p in coordinates if isinstance(p, list)]
    if not polygons or len(polygons) != len(coordinates):
        raise GeometryError(_l("The shape could not be read."))
    return {"type": "MultiPolygon", "coordinates": polygons}


def _polygon(rings, geographic: bool, holes: bool) -> list:
    if not isinstance(rings, list) or not rings or not all(isinstance(r, list) for r in rings):
        raise GeometryError(_l("The shape could not be read."))
    if len(rings) > 1 and not holes:
        raise GeometryError(_l("An area with holes is not supported here."))
    checked = [_ring([_coordinate(c, geographic) for c in ring]) for ring in rings]
    shell, inner = checked[0], checked[1:]
    if inner:
        # Every ring is simple by now, so whatever GEOS finds is about the holes. Its reason
        # cannot tell whose fault it is ("Self-intersection" is a hole crossing the outline as
        # well as two holes crossing), so each hole is checked against the outline first, then
        # the holes among themselves ("Holes are nested", "Self-intersection", ...).
        for hole in inner:
            if not shapely.Polygon(shell, [hole]).is_valid:
                raise GeometryError(_l("A hole of the area lies outside it or crosses its outline."))
        if not shapely.Polygon(shell, inner).is_valid:
            raise GeometryError(_l("Holes of the area overlap or lie inside one another."))
    return [[list(p) for p in ring] for ring in checked]


def _count_vertices(coordinates) -> int:
    if coordinates and isinstance(coordinates[0], int | float):
        return 1
    return sum(_count_vertices(c) for c in coordinates if isinstance(c, list)) if coordinates else 0


# --- measures and predicates -------------------------------------------------------------


def vertices(geometry: dict) -> list[tuple[float, float]]:
    coordinates = geometry["coordinates"]
    kind = geometry["type"]
    if kind == "Point":
        return [tuple(coordinates)]
    if kind == "LineString":
        return [tuple(c) for c in coordinates]
    if kind == "Polygon":
        return [tuple(c) for ring in coordinates for c in ring]
    return [tuple(c) for polygon in coordinates for ring in polygon for c in ring]


def bbox(geometry: dict) -> BBox:
    points = vertices(geometry)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return BBox(min(xs), min(ys), max(xs), max(ys))


def centre(geometry: dict) -> tuple[float, float]:
    """A representative point: the point itself, else the bounding box centre."""
    if geometry["type"] == "Point":
        return tuple(geometry["coordinates"])
    box = bbox(geometry)
    return ((box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2)


def kind_of(geometry: dict) -> str:
    return KIND_BY_TYPE[geometry["type"]]


def _area_shape(area: dict):
    """The area as a valid GEOS geometry. `normalise` admits the parts of a MultiPolygon that
    overlap or share an edge (districts drawn side by side), which GEOS calls invalid and on
    which its predicates go wrong; those parts are then joined: each outline minus its holes."""
    geometry = shape(area)
    if geometry.is_valid:
        return geometry
    polygons = area["coordinates"] if area["type"] == "MultiPolygon" else [area["coordinates"]]
    parts = [
        shapely.Polygon(rings[0]).difference(shapely.union_all([shapely.Polygon(r) for r in rings[1:]]))
        for rings in polygons
    ]
    return shapely.union_all(parts)


def point_in_area(point, area: dict) -> bool:
    """Whether the point lies inside the area or on its edge (holes excluded)."""
    return _area_shape(area).covers(shapely.Point(point))


def within(geometry: dict, area: dict) -> bool:
    """Whether every part of `geometry` lies inside `area` or on its edge: a line that leaves
    the area through a notch, or a shape around one of its holes, is not within it."""
    return _area_shape(area).covers(shape(geometry))


def within_box(geometry: dict, box: BBox) -> bool:
    own = bbox(geometry)
    return (
        box.min_x <= own.min_x
        and own.max_x <= box.max_x
        and box.min_y <= own.min_y
        and own.max_y <= box.max_y
    )


# --- the coordinate text field that works without JavaScript -------------------------------


def parse_positions(text: str) -> list[tuple[float, float]]:
    """One position per line, "first, second" (latitude, longitude on geographic maps)."""
    positions = []
    for line in (text or "").replace(";", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p for p in line.replace(",", " ").split() if p]
        if len(parts) != 2:
            raise GeometryError(_l("Please write one position per line: two numbers separated by a comma."))
        try:
            positions.append((float(parts[0]), float(parts[1])))
        except ValueError as error:
            raise GeometryError(
                _l("Please write one position per line: two numbers separated by a comma.")
            ) from error
    return positions


def geometry_from_positions(kind: str, positions: list[tuple[float, float]], *, geographic: bool) -> dict:
    """Build GeoJSON from typed positions; geographic positions are typed latitude first."""
    coordinates = [[b, a] if geographic else [a, b] for a, b in positions]
    if kind == "point":
        if len(coordinates) != 1:
            raise GeometryError(_l("A point needs exactly one position."))
        raw = {"type": "Point", "coordinates": coordinates[0]}
    elif kind == "line":
        if len(coordinates) < 2:
            raise GeometryError(_l("A line needs at least two different points."))
        raw = {"type": "LineString", "coordinates": coordinates}
    elif kind == "polygon":
        if len(coordinates) < 3:
            raise GeometryError(_l("An area needs at least three different corners."))
        raw = {"type": "Polygon", "coordinates": [coordinates]}
    else:
        raise GeometryError(_l("This kind of shape is not supported here."))
    return normalise(raw, geographic=geographic)


def positions_text(geometry: dict, *, geographic: bool) -> str:
    """The inverse of `geometry_from_positions`, for filling the form in again."""
    points = vertices(geometry)
    if geometry["type"] == "Polygon":
        points = points[: len(geometry["coordinates"][0]) - 1]
    return "\n".join(f"{y:.6f}, {x:.6f}" if geographic else f"{x:.1f}, {y:.1f}" for x, y in points)
