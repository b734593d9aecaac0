"""Placing an image on the map from the coordinates staff have at hand.

Leaflet lays an image overlay between two corners of a north-up web map, so every placement
ends as a WGS 84 box: `geo.BBox(west, south, east, north)`. Staff may give it in WGS 84
degrees (the form does that itself), or here:

- by the corners in ETRS89 / UTM zone 33N (EPSG:25833), the easting and northing in metres
  that Leipzig's and Saxony's own geodata use;
- by a world file (.jgw, .pgw, .tfw, .wld) that came with the image, in EPSG:25833 or in
  WGS 84 degrees, together with the image's size in pixels.

The conversion is PROJ's (pyproj). A box drawn north-up in UTM is not quite north-up in
degrees: grid north and true north differ by about 2° in Leipzig (the zone's central meridian
is 15° E). The stored box is the smallest one that holds the whole image, so nothing of it is
cut off, and an image whose pixels follow the UTM grid is warped when it is stored
(`warp_north_up`): turned by those 2° into the box, north-up, transparent where the box
reaches beyond it. Stretched into the box unturned, its content would lie up to 18 m off
for a 500 m image. A world file may also turn the image (its rotation terms): where it lies
is then a `Footprint` of any direction, and the warp turns it north-up the same way.

Errors are `geo.GeometryError`s with a message for the person who typed the numbers.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image
from pyproj import Transformer

from participation.core import geo

UTM33 = "EPSG:25833"
WGS84 = "EPSG:4326"
WORLD_FILE_CRS = (UTM33, WGS84)

# Eastings and northings UTM uses north of the equator: 500 km ± 334 km at the equator (less
# further north), 0 to 84° N. Swapped numbers (a seven-digit easting) fall outside.
EASTINGS = (166_000.0, 834_000.0)
NORTHINGS = (0.0, 9_330_000.0)
# Rotation terms within this share of a pixel's size are rounding, not a turn.
ROTATION_TOLERANCE = 1e-9
EDGE_POINTS = 21  # points followed along each edge of an image when it is converted
DECIMALS = 7  # about a centimetre, as geo rounds typed positions
# A warped image is drawn in cells of at most this many pixels a side, each placed by its corners;
# within a cell the mapping from the map to the source image is bilinear (PIL's QUAD), off by
# far less than a pixel from PROJ's.
WARP_CELL = 256
TRANSPARENT = (0, 0, 0, 0)

OUTSIDE_UTM33 = _l(
    "These are not ETRS89 / UTM 33N coordinates: an easting has six digits (in Leipzig about "
    "300000 to 330000), a northing seven (in Leipzig about 5680000 to 5700000). Are easting "
    "and northing swapped?"
)
OUTSIDE_DEGREES = _l("A position lies outside the valid range of longitude and latitude.")
UNREADABLE = _l("The world file could not be read. It is a small text file of six numbers, one per line.")


@dataclass(frozen=True)
class WorldFile:
    """The six lines of a world file: x = A·column + B·row + C, y = D·column + E·row + F,
    for the centre of the pixel at (column, row), (0, 0) being the upper left one."""

    a: float  # pixel size along x
    d: float  # rotation term
    b: float  # rotation term
    e: float  # pixel size along y, negative for an image whose top is north
    c: float  # x of the centre of the upper left pixel
    f: float  # y of the centre of the upper left pixel


@dataclass(frozen=True)
class Footprint:
    """Where an image lies in `crs`, whatever its size in pixels: the outer corner of its upper
    left pixel (`origin`), and the way along its top edge to the upper right corner (`across`)
    and down its left edge to the lower left corner (`down`). A north-up image has `across`
    pointing east and `down` south; a world file's rotation terms turn them."""

    crs: str
    origin: tuple[float, float]
    across: tuple[float, float]
    down: tuple[float, float]

    @classmethod
    def of_grid(cls, edges: geo.BBox) -> Footprint:
        """An image on the UTM grid between the edges (left, bottom, right, top) in metres."""
        left, bottom, right, top = edges.as_list()
        return cls(UTM33, (left, top), (right - left, 0.0), (0.0, bottom - top))

    @classmethod
    def of_world_file(cls, world_file: WorldFile, width: int, height: int, crs: str = UTM33) -> Footprint:
        """An image of `width` × `height` pixels placed by its world file, in `crs`."""
        if crs not in WORLD_FILE_CRS:
            raise ValueError(f"unknown world file CRS {crs!r}")
        if width < 1 or height < 1:
            raise ValueError("an image has at least one pixel")
        w = world_file  # C and F are the centre of the upper left pixel: its corner is half a pixel out
        origin = (w.c - (w.a + w.b) / 2, w.f - (w.d + w.e) / 2)
        return cls(crs, origin, (w.a * width, w.d * width), (w.b * height, w.e * height))

    @property
    def is_north_up(self) -> bool:
        """Whether the image's top faces north (grid north, in UTM): not turned, not upside down."""
        (ax, ay), (dx, dy) = self.across, self.down
        tolerance = ROTATION_TOLERANCE * max(abs(ax), abs(ay), abs(dx), abs(dy))
        return abs(ay) <= tolerance and abs(dx) <= tolerance and ax > 0 and dy < 0

    def at(self, u: float, v: float) -> tuple[float, float]:
        """The position `u` of the way across and `v` of the way down the image."""
        (x, y), (ax, ay), (dx, dy) = self.origin, self.across, self.down
        return x + ax * u + dx * v, y + ay * u + dy * v

    def share(self, x: float, y: float) -> tuple[float, float]:
        """(u, v) of the position (x, y): how far across and down the image it lies."""
        (ox, oy), (ax, ay), (dx, dy) = self.origin, self.across, self.down
        determinant = ax * dy - ay * dx
        x, y = x - ox, y - oy
        return (x * dy - y * dx) / determinant, (ax * y - ay * x) / determinant

    def corners(self) -> list[tuple[float, float]]:
        """The outer corners in `crs`: upper left, upper right, lower right, lower left."""
        return [self.at(0, 0), self.at(1, 0), self.at(1, 1), self.at(0, 1)]

    def bounds(self) -> geo.BBox:
        """The WGS 84 box that holds the whole image."""
        xs, ys = zip(*self.corners(), strict=True)
        if self.crs == WGS84:
            left, bottom, right, top = min(xs), min(ys), max(xs), max(ys)
            if not (-180 <= left < right <= 180 and -90 <= bottom < top <= 90):
                raise geo.GeometryError(OUTSIDE_DEGREES)
            return geo.BBox(*(round(v, DECIMALS) for v in (left, bottom, right, top)))
        _check_utm(xs, ys)
        if self.is_north_up:
            return _utm_box_to_wgs84(min(xs), min(ys), max(xs), max(ys))
        # The edges are slightly curved in degrees: follow them, as for a box on the grid.
        steps = [i / (EDGE_POINTS - 1) for i in range(EDGE_POINTS)]
        edges = [
            *(self.at(t, 0) for t in steps), *(self.at(1, t) for t in steps),
            *(self.at(t, 1) for t in steps), *(self.at(0, t) for t in steps),
        ]
        lons, lats = _to_wgs84(UTM33).transform([p[0] for p in edges], [p[1] for p in edges])
        box = [min(lons), min(lats), max(lons), max(lats)]
        if not all(math.isfinite(v) for v in box):
            raise geo.GeometryError(OUTSIDE_UTM33)
        return geo.BBox(*(round(v, DECIMALS) for v in box))


@functools.cache
def _to_wgs84(crs: str) -> Transformer:
    # Transformers are thread-safe since pyproj 3.1, so one per CRS serves every request.
    return Transformer.from_crs(crs, WGS84, always_xy=True)


@functools.cache
def _from_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(WGS84, crs, always_xy=True)


def _check_utm(eastings, northings) -> None:
    values = [*eastings, *northings]
    if not all(math.isfinite(v) for v in values):
        raise geo.GeometryError(OUTSIDE_UTM33)
    if not all(EASTINGS[0] <= e <= EASTINGS[1] for e in eastings) or not all(
        NORTHINGS[0] <= n <= NORTHINGS[1] for n in northings
    ):
        raise geo.GeometryError(OUTSIDE_UTM33)


def _utm_box_to_wgs84(west: float, south: float, east: float, north: float) -> geo.BBox:
    # The edges of the UTM box are slightly curved in degrees: PROJ follows them (EDGE_POINTS on
    # each) to find the box that holds all of it, not just its four corners.
    lon_min, lat_min, lon_max, lat_max = _to_wgs84(UTM33).transform_bounds(
        west, south, east, north, densify_pts=EDGE_POINTS
    )
    box = [lon_min, lat_min, lon_max, lat_max]
    if not all(math.isfinite(v) for v in box):
        raise geo.GeometryError(OUTSIDE_UTM33)
    return geo.BBox(*(round(v, DECIMALS) for v in box))


def utm33_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """One ETRS89 / UTM 33N position as WGS 84 (longitude, latitude)."""
    _check_utm((easting,), (northing,))
    return _to_wgs84(UTM33).transform(easting, northing)


def corners_from_utm33(south_west: tuple[float, float], north_east: tuple[float, float]) -> geo.BBox:
    """The WGS 84 box of an image whose lower left and upper right corners are given as
    (easting, northing) in ETRS89 / UTM zone 33N."""
    (west, south), (east, north) = south_west, north_east
    _check_utm((west, east), (south, north))
    if south >= north or west >= east:
        raise geo.GeometryError(_l("The south-west corner must lie south and west of the north-east corner."))
    return _utm_box_to_wgs84(west, south, east, north)


def parse_world_file(text: str | bytes) -> WorldFile:
    """Read the six numbers of a world file (one a line: A, D, B, E, C, F). A turned image is
    fine (it is warped north-up); a mirrored one, or one of no size, is refused."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise geo.GeometryError(UNREADABLE) from error
    try:
        numbers = [float(part) for part in (text or "").split()]
    except ValueError as error:
        raise geo.GeometryError(UNREADABLE) from error
    if len(numbers) != 6:
        raise geo.GeometryError(
            _l("A world file has six numbers, one per line; this one has %(count)d.", count=len(numbers))
        )
    if not all(math.isfinite(n) for n in numbers):
        raise geo.GeometryError(UNREADABLE)
    a, d, b, e, c, f = numbers
    tolerance = ROTATION_TOLERANCE * max(abs(a), abs(d), abs(b), abs(e))
    if abs(b) <= tolerance and abs(d) <= tolerance:  # rounding noise, not a turn
        b = d = 0.0
    # Seen from above, the way down the image lies clockwise from the way across it: a
    # negative cross product. A positive one is a mirrored image, zero one of no size.
    if a * e - b * d >= 0:
        raise geo.GeometryError(
            _l(
                "The world file describes a mirrored image, or one of no size. For an image facing "
                "north, its first number (the width of a pixel) is above 0 and its fourth (the "
                "height of a pixel) below 0."
            )
        )
    return WorldFile(a, d, b, e, c, f)


# Leaflet draws a geographic map in Web Mercator and stretches an image overlay linearly
# between its corners there: linear in longitude, and in latitude through Mercator's y. For an
# image a few hundred metres tall that is linear in latitude to a few millimetres; across the
# whole city (20 km) the two part by some 10 m in the middle, so the warp follows Leaflet.
def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y)) - math.pi / 2)


def map_position(box: geo.BBox, size: tuple[int, int], column: float, row: float) -> tuple[float, float]:
    """WGS 84 (longitude, latitude) of the point at (column, row) of an image of `size`
    (width, height) pixels drawn on the map between the corners of `box`. Columns and rows
    count from the outer upper left corner: the centre of the upper left pixel is (0.5, 0.5)."""
    width, height = size
    north, south = _mercator_y(box.max_y), _mercator_y(box.min_y)
    longitude = box.min_x + (box.max_x - box.min_x) * column / width
    return longitude, _latitude(north - (north - south) * row / height)


def _cuts(length: int) -> list[int]:
    """Where the cells along a side of `length` pixels begin and end: as many as needed to
    keep them at most WARP_CELL wide, all about as wide."""
    cells = math.ceil(length / WARP_CELL)
    return [round(i * length / cells) for i in range(cells + 1)]


Cell = tuple[tuple[int, int, int, int], tuple[float, ...]]


@dataclass(frozen=True)
class Warp:
    """How an image on the UTM grid, or turned by its world file, is redrawn north-up: the
    source, first shrunk to `source_size` if that is smaller than it, is drawn as `size`
    pixels on `box`, cell by cell (`mesh`, as PIL's Image.Transform.MESH takes it: each output
    box with the source positions of its north-west, south-west, south-east and north-east
    corners)."""

    box: geo.BBox
    source_size: tuple[int, int]
    size: tuple[int, int]
    mesh: list[Cell]


def plan_warp(
    source_size: tuple[int, int],
    placed: geo.BBox | Footprint,
    *,
    max_side: int | None = None,
    max_pixels: int | None = None,
) -> Warp:
    """The warp of an image of `source_size` pixels whose outer edges on the UTM grid are
    `placed` (see `warp_north_up`), or that lies where its Footprint says."""
    if isinstance(placed, Footprint):
        footprint = placed
    else:
        left, bottom, right, top = placed.as_list()
        _check_utm((left, right), (bottom, top))
        if not (left < right and bottom < top):
            raise ValueError("the grid edges must be left < right and bottom < top")
        footprint = Footprint.of_grid(placed)
    width, height = source_size
    if width < 1 or height < 1:
        raise ValueError("an image has at least one pixel")
    box = footprint.bounds()
    to_crs = _from_wgs84(footprint.crs)

    # The box's width along its middle parallel and height along its middle meridian, in the
    # footprint's units (grid metres or degrees), at the source's size of a pixel: along its
    # columns and rows, or their mean for an image turned off the grid.
    middle_lon, middle_lat = (box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2
    xs, ys = to_crs.transform(
        [box.min_x, box.max_x, middle_lon, middle_lon], [middle_lat, middle_lat, box.min_y, box.max_y]
    )
    per_column, per_row = math.hypot(*footprint.across) / width, math.hypot(*footprint.down) / height
    if not footprint.is_north_up:
        per_column = per_row = math.sqrt(per_column * per_row)
    wide = math.hypot(xs[1] - xs[0], ys[1] - ys[0]) / per_column
    tall = math.hypot(xs[3] - xs[2], ys[3] - ys[2]) / per_row
    scale = 1.0
    if max_side:
        scale = min(scale, max_side / max(wide, tall))
    if max_pixels:
        scale = min(scale, math.sqrt(max_pixels / (wide * tall)))
    if scale < 1:
        width, height = max(1, round(width * scale)), max(1, round(height * scale))
        size = (max(1, math.floor(wide * scale)), max(1, math.floor(tall * scale)))
    else:
        size = (max(1, round(wide)), max(1, round(tall)))

    # Where the corners of the cells lie in the source image (its pixel coordinates).
    columns, rows = _cuts(size[0]), _cuts(size[1])
    positions = [map_position(box, size, column, row) for row in rows for column in columns]
    xs, ys = to_crs.transform([p[0] for p in positions], [p[1] for p in positions])
    shares = (footprint.share(x, y) for x, y in zip(xs, ys, strict=True))
    source = [(u * width, v * height) for u, v in shares]

    def corner(i: int, j: int) -> tuple[float, float]:
        return source[j * len(columns) + i]

    mesh = [
        (
            (columns[i], rows[j], columns[i + 1], rows[j + 1]),
            (*corner(i, j), *corner(i, j + 1), *corner(i + 1, j + 1), *corner(i + 1, j)),
        )
        for j in range(len(rows) - 1)
        for i in range(len(columns) - 1)
    ]
    return Warp(box, (width, height), size, mesh)


def warp_north_up(
    image: Image.Image,
    placed: geo.BBox | Footprint,
    *,
    max_side: int | None = None,
    max_pixels: int | None = None,
) -> tuple[Image.Image, geo.BBox]:
    """An image whose pixels follow the ETRS89 / UTM 33N grid, its outer edges at `placed`
    (left, bottom, right, top in metres), or that lies where its Footprint says (turned by a
    world file, say), redrawn north-up in WGS 84: the RGBA image to lay on the returned box
    (the one `corners_from_utm33` or `Footprint.bounds` gives for the same placement),
    transparent where the box reaches beyond the image.

    Each pixel of the result is placed where the map draws it (`map_position`); PROJ says
    where that lies in UTM, and the source pixel there is sampled (bicubic). The result keeps
    the source's metres per pixel (about 7% more pixels, for the turned corners), unless
    `max_side` or `max_pixels` ask for fewer: then the source is first shrunk to fit."""
    warp = plan_warp(image.size, placed, max_side=max_side, max_pixels=max_pixels)
    # Premultiplied alpha: the filters then do not darken the edges of transparent parts.
    premultiplied = image.convert("RGBA").convert("RGBa")
    if warp.source_size != image.size:
        # shrunk beforehand with a proper filter: sampling alone would alias
        premultiplied = premultiplied.resize(warp.source_size, Image.Resampling.LANCZOS)
    warped = premultiplied.transform(
        warp.size, Image.Transform.MESH, warp.mesh, resample=Image.Resampling.BICUBIC, fillcolor=TRANSPARENT
    )
    return warped.convert("RGBA"), warp.box
