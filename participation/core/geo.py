"""Geometry as plain GeoJSON: validation, bounding boxes and containment, without GEOS.

Coordinates are (x, y) pairs: (longitude, latitude) on geographic maps, (column, row from the
bottom) in image pixels on plan-only maps. Every check here works for both; only the range
check differs. Errors are `GeometryError`s whose message is translated for the person who
entered the shape.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

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
    if _self_intersects(points + [points[0]]):
        raise GeometryError(_l("The outline of the area crosses itself."))
    if abs(_signed_area(points)) == 0:
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
    return [[list(p) for p in _ring([_coordinate(c, geographic) for c in ring])] for ring in rings]


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


def _polygons(area: dict) -> list[list[list[tuple[float, float]]]]:
    if area["type"] == "Polygon":
        return [[[tuple(c) for c in ring] for ring in area["coordinates"]]]
    return [[[tuple(c) for c in ring] for ring in polygon] for polygon in area["coordinates"]]


def _in_ring(point, ring) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


def _on_ring(point, ring) -> bool:
    return any(_on_segment(a, point, b) for a, b in zip(ring, ring[1:], strict=False))


def point_in_area(point, area: dict) -> bool:
    """Whether the point lies inside the area or on its edge (holes excluded)."""
    for rings in _polygons(area):
        if _on_ring(point, rings[0]):
            return True
        if _in_ring(point, rings[0]) and not any(
            _in_ring(point, hole) and not _on_ring(point, hole) for hole in rings[1:]
        ):
            return True
    return False


def within(geometry: dict, area: dict) -> bool:
    """Whether every part of `geometry` lies inside `area`: all vertices inside, and no edge
    of the shape properly crosses an edge of the area (which catches shapes that bridge a
    notch of a concave area)."""
    points = vertices(geometry)
    if not all(point_in_area(p, area) for p in points):
        return False
    if geometry["type"] == "Point":
        return True
    area_edges = [
        (a, b) for rings in _polygons(area) for ring in rings for a, b in zip(ring, ring[1:], strict=False)
    ]
    shape_edges = list(zip(points, points[1:], strict=False))
    return not any(_proper_crossing(a, b, c, d) for a, b in shape_edges for c, d in area_edges)


def within_box(geometry: dict, box: BBox) -> bool:
    return all(box.min_x <= x <= box.max_x and box.min_y <= y <= box.max_y for x, y in vertices(geometry))


def _signed_area(points) -> float:
    return (
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=False))
        / 2
    )


def _orientation(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a, p, b) -> bool:
    return (
        _orientation(a, b, p) == 0
        and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
        and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    )


def _proper_crossing(a, b, c, d) -> bool:
    o1, o2 = _orientation(a, b, c), _orientation(a, b, d)
    o3, o4 = _orientation(c, d, a), _orientation(c, d, b)
    return ((o1 > 0 > o2) or (o1 < 0 < o2)) and ((o3 > 0 > o4) or (o3 < 0 < o4))


def _segments_touch(a, b, c, d) -> bool:
    if _proper_crossing(a, b, c, d):
        return True
    return _on_segment(a, c, b) or _on_segment(a, d, b) or _on_segment(c, a, d) or _on_segment(c, b, d)


def _self_intersects(ring) -> bool:
    edges = list(zip(ring, ring[1:], strict=False))
    count = len(edges)
    for i in range(count):
        for j in range(i + 1, count):
            if j == i + 1 or (i == 0 and j == count - 1):
                continue  # neighbours share a corner
            if _segments_touch(*edges[i], *edges[j]):
                return True
    return False


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
