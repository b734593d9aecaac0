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
for a 500 m image.

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
# A world file's rotation terms are 0; anything within this share of a pixel is rounding.
ROTATION_TOLERANCE = 1e-9
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
    # The edges of the UTM box are slightly curved in degrees: PROJ follows them (21 points on
    # each) to find the box that holds all of it, not just its four corners.
    lon_min, lat_min, lon_max, lat_max = _to_wgs84(UTM33).transform_bounds(
        west, south, east, north, densify_pts=21
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
    """Read the six numbers of a world file (one a line: A, D, B, E, C, F). An image that is
    rotated or does not face north is refused: a map image layer can only be moved and
    stretched."""
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
    world_file = WorldFile(*numbers)
    scale = max(abs(world_file.a), abs(world_file.e))
    if abs(world_file.b) > ROTATION_TOLERANCE * scale or abs(world_file.d) > ROTATION_TOLERANCE * scale:
        raise geo.GeometryError(
            _l(
                "The world file describes a rotated image (its second and third numbers are not 0). "
                "The map cannot turn an image: please export it facing north, without rotation."
            )
        )
    if world_file.a <= 0 or world_file.e >= 0:
        raise geo.GeometryError(
            _l(
                "The world file must describe an image facing north: its first number (the width "
                "of a pixel) must be above 0 and its fourth (the height of a pixel) below 0."
            )
        )
    return world_file


def _outer_edges(world_file: WorldFile, width: int, height: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the image in the world file's CRS: C and F are the centre
    of the upper left pixel, so its outer edge is half a pixel further out."""
    if width < 1 or height < 1:
        raise ValueError("an image has at least one pixel")
    left = world_file.c - world_file.a / 2
    top = world_file.f - world_file.e / 2
    return left, top + world_file.e * height, left + world_file.a * width, top


def outer_edges(world_file: WorldFile, width: int, height: int) -> geo.BBox:
    """The outer edges of an image of `width` × `height` pixels placed by its world file, in
    the world file's own coordinates (left, bottom, right, top)."""
    return geo.BBox(*_outer_edges(world_file, width, height))


def corner_positions(
    world_file: WorldFile, width: int, height: int, crs: str = UTM33
) -> list[tuple[float, float]]:
    """The image's outer corners as WGS 84 (longitude, latitude): north-west, north-east,
    south-east, south-west."""
    if crs not in WORLD_FILE_CRS:
        raise ValueError(f"unknown world file CRS {crs!r}")
    left, bottom, right, top = _outer_edges(world_file, width, height)
    corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
    return [utm33_to_wgs84(x, y) for x, y in corners] if crs == UTM33 else corners


def bounds_from_world_file(world_file: WorldFile, width: int, height: int, crs: str = UTM33) -> geo.BBox:
    """The WGS 84 box that holds an image of `width` × `height` pixels placed by its world
    file, whose coordinates are in `crs` (EPSG:25833 or EPSG:4326)."""
    left, bottom, right, top = _outer_edges(world_file, width, height)
    if crs == UTM33:
        _check_utm((left, right), (bottom, top))
        return _utm_box_to_wgs84(left, bottom, right, top)
    if crs != WGS84:
        raise ValueError(f"unknown world file CRS {crs!r}")
    if not (-180 <= left < right <= 180 and -90 <= bottom < top <= 90):
        raise geo.GeometryError(_l("A position lies outside the valid range of longitude and latitude."))
    return geo.BBox(*(round(v, DECIMALS) for v in (left, bottom, right, top)))


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
    """How an image on the UTM grid is redrawn north-up: the source, first shrunk to
    `source_size` if that is smaller than it, is drawn as `size` pixels on `box`, cell by cell
    (`mesh`, as PIL's Image.Transform.MESH takes it: each output box with the source positions
    of its north-west, south-west, south-east and north-east corners)."""

    box: geo.BBox
    source_size: tuple[int, int]
    size: tuple[int, int]
    mesh: list[Cell]


def plan_warp(
    source_size: tuple[int, int],
    grid: geo.BBox,
    *,
    max_side: int | None = None,
    max_pixels: int | None = None,
) -> Warp:
    """The warp of an image of `source_size` pixels whose outer edges on the UTM grid are
    `grid` (see `warp_north_up`)."""
    left, bottom, right, top = grid.as_list()
    _check_utm((left, right), (bottom, top))
    if not (left < right and bottom < top):
        raise ValueError("the grid edges must be left < right and bottom < top")
    width, height = source_size
    if width < 1 or height < 1:
        raise ValueError("an image has at least one pixel")
    box = _utm_box_to_wgs84(left, bottom, right, top)
    to_utm = _from_wgs84(UTM33)

    # The box's width along its middle parallel and height along its middle meridian, in grid
    # metres, at the source's metres per pixel.
    middle_lon, middle_lat = (box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2
    xs, ys = to_utm.transform(
        [box.min_x, box.max_x, middle_lon, middle_lon], [middle_lat, middle_lat, box.min_y, box.max_y]
    )
    wide = math.hypot(xs[1] - xs[0], ys[1] - ys[0]) / ((right - left) / width)
    tall = math.hypot(xs[3] - xs[2], ys[3] - ys[2]) / ((top - bottom) / height)
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
    eastings, northings = to_utm.transform([p[0] for p in positions], [p[1] for p in positions])
    per_column, per_row = (right - left) / width, (top - bottom) / height
    source = [
        ((x - left) / per_column, (top - y) / per_row) for x, y in zip(eastings, northings, strict=True)
    ]

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
    grid: geo.BBox,
    *,
    max_side: int | None = None,
    max_pixels: int | None = None,
) -> tuple[Image.Image, geo.BBox]:
    """An image whose pixels follow the ETRS89 / UTM 33N grid, its outer edges at `grid`
    (left, bottom, right, top in metres), redrawn north-up in WGS 84: the RGBA image to lay
    on the returned box (the one `corners_from_utm33` gives for the same edges), transparent
    where the box reaches beyond the image.

    Each pixel of the result is placed where the map draws it (`map_position`); PROJ says
    where that lies in UTM, and the source pixel there is sampled (bicubic). The result keeps
    the source's metres per pixel (about 7% more pixels, for the turned corners), unless
    `max_side` or `max_pixels` ask for fewer: then the source is first shrunk to fit."""
    warp = plan_warp(image.size, grid, max_side=max_side, max_pixels=max_pixels)
    # Premultiplied alpha: the filters then do not darken the edges of transparent parts.
    premultiplied = image.convert("RGBA").convert("RGBa")
    if warp.source_size != image.size:
        # shrunk beforehand with a proper filter: sampling alone would alias
        premultiplied = premultiplied.resize(warp.source_size, Image.Resampling.LANCZOS)
    warped = premultiplied.transform(
        warp.size, Image.Transform.MESH, warp.mesh, resample=Image.Resampling.BICUBIC, fillcolor=TRANSPARENT
    )
    return warped.convert("RGBA"), warp.box
