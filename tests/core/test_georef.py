"""Placing images by ETRS89 / UTM 33N corners and by world files (core.georef)."""

import math

import pytest
from PIL import Image, ImageChops, ImageStat
from pyproj import Geod, Transformer

from participation.core import geo, georef

GEOD = Geod(ellps="WGS84")

# Leipzig Hauptbahnhof, main entrance. The UTM 33N (EPSG:25833) position was worked out once
# with Snyder's transverse Mercator series (USGS Professional Paper 1395) on GRS 80, and agrees
# with PROJ's `cs2cs EPSG:4326 EPSG:25833` to a millimetre; the tests hold it fixed.
HBF_LONLAT = (12.3819, 51.3455)
HBF_UTM = (317670.609, 5691501.070)
# The Völkerschlachtdenkmal, worked out the same way.
MONUMENT_LONLAT = (12.413, 51.312)
MONUMENT_UTM = (319704.754, 5687699.494)


def metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize("lonlat,utm", [(HBF_LONLAT, HBF_UTM), (MONUMENT_LONLAT, MONUMENT_UTM)])
def test_utm_positions_land_on_the_landmark(lonlat, utm):
    assert metres(georef.utm33_to_wgs84(*utm), lonlat) < 0.01


def test_utm_corners_become_the_box_that_holds_them():
    south_west, north_east = HBF_UTM, (HBF_UTM[0] + 400, HBF_UTM[1] + 300)
    box = georef.corners_from_utm33(south_west, north_east)
    corners = [
        georef.utm33_to_wgs84(*south_west),
        georef.utm33_to_wgs84(south_west[0], north_east[1]),
        georef.utm33_to_wgs84(*north_east),
        georef.utm33_to_wgs84(north_east[0], south_west[1]),
    ]
    assert metres(corners[0], HBF_LONLAT) < 1  # the round trip lands on the station
    tolerance = 1e-7  # the stored box is rounded to 7 decimals
    for lon, lat in corners:
        assert box.min_x - tolerance <= lon <= box.max_x + tolerance
        assert box.min_y - tolerance <= lat <= box.max_y + tolerance
    # each side of the box touches the image: it is the smallest that holds it
    assert min(abs(lon - box.min_x) for lon, _ in corners) < 1e-6
    assert min(abs(lon - box.max_x) for lon, _ in corners) < 1e-6
    assert min(abs(lat - box.min_y) for _, lat in corners) < 1e-6
    assert min(abs(lat - box.max_y) for _, lat in corners) < 1e-6
    width = metres((box.min_x, box.min_y), (box.max_x, box.min_y))
    assert 400 < width < 420  # grid north is about 2° off true north in Leipzig


@pytest.mark.parametrize(
    "south_west,north_east,message",
    [
        ((HBF_UTM[1], HBF_UTM[0]), (HBF_UTM[1] + 10, HBF_UTM[0] + 10), "easting and northing swapped"),
        ((12.38, 51.34), (12.39, 51.35), "easting and northing swapped"),  # degrees, not metres
        ((HBF_UTM[0], float("nan")), (HBF_UTM[0] + 10, HBF_UTM[1] + 10), "easting and northing swapped"),
        ((HBF_UTM[0] + 10, HBF_UTM[1]), HBF_UTM, "must lie south and west"),
        (HBF_UTM, (HBF_UTM[0] + 10, HBF_UTM[1] - 10), "must lie south and west"),
    ],
)
def test_impossible_utm_corners_are_refused(south_west, north_east, message):
    with pytest.raises(geo.GeometryError, match=message):
        georef.corners_from_utm33(south_west, north_east)


def corner_positions(world_file, size) -> list[tuple[float, float]]:
    """The outer corners of an image placed by a UTM world file, as WGS 84: upper left, upper
    right, lower right, lower left."""
    corners = georef.Footprint.of_world_file(world_file, *size).corners()
    return [georef.utm33_to_wgs84(x, y) for x, y in corners]


def world_file_text(x, y, pixel=0.5, rotation=(0, 0)) -> str:
    return f"{pixel}\n{rotation[0]}\n{rotation[1]}\n{-pixel}\n{x}\n{y}\n"


def test_a_world_file_places_the_outer_corner_half_a_pixel_beyond_the_first_pixel_centre():
    world_file = georef.parse_world_file(world_file_text(*MONUMENT_UTM))
    assert world_file == georef.WorldFile(0.5, 0, 0, -0.5, *MONUMENT_UTM)
    north_west, north_east, south_east, south_west = corner_positions(world_file, (1000, 800))
    # a quarter of a metre west and north of the monument: √2 / 4 ≈ 0.35 m, to the north-west
    forward_azimuth, _back, distance = GEOD.inv(*MONUMENT_LONLAT, *north_west)
    assert metres(north_west, MONUMENT_LONLAT) < 1
    assert distance == pytest.approx(0.354, abs=0.01)
    assert -50 < forward_azimuth < -40
    assert metres(north_west, north_east) == pytest.approx(500, abs=0.5)  # 1000 px of 0.5 m
    assert metres(north_west, south_west) == pytest.approx(400, abs=0.5)
    box = georef.Footprint.of_world_file(world_file, 1000, 800, georef.UTM33).bounds()
    for lon, lat in (north_west, north_east, south_east, south_west):
        assert box.min_x - 1e-7 <= lon <= box.max_x + 1e-7 and box.min_y - 1e-7 <= lat <= box.max_y + 1e-7


def test_a_world_file_in_degrees_needs_no_conversion():
    # as some Windows programs write it: a byte order mark and CR LF line ends
    world_file = georef.parse_world_file(b"\xef\xbb\xbf0.0001\r\n0\r\n0\r\n-0.0001\r\n12.30005\r\n51.34995")
    box = georef.Footprint.of_world_file(world_file, 200, 100, georef.WGS84).bounds()
    assert box.as_list() == pytest.approx([12.3, 51.34, 12.32, 51.35])
    with pytest.raises(geo.GeometryError, match="valid range of longitude"):
        beyond_the_date_line = georef.parse_world_file(world_file_text(179.9, 51, 0.01))
        georef.Footprint.of_world_file(beyond_the_date_line, 100, 100, georef.WGS84).bounds()


def test_a_utm_world_file_far_outside_the_zone_is_refused():
    # the same numbers, but written in degrees: not UTM
    world_file = georef.parse_world_file(world_file_text(12.3, 51.35, 0.0001))
    with pytest.raises(geo.GeometryError, match="not ETRS89 / UTM 33N"):
        georef.Footprint.of_world_file(world_file, 100, 100, georef.UTM33).bounds()


@pytest.mark.parametrize(
    "text,message",
    [
        ("0.5\n0\n0\n-0.5\n319704.754\n", "this one has 5"),
        ("0.5\n0\n0\n-0.5\n319704.754\n5687699.494\n1\n", "this one has 7"),
        ("", "this one has 0"),
        ("0,5\n0\n0\n-0,5\n319704,754\n5687699,494\n", "could not be read"),
        ("pixel size 0.5\n", "could not be read"),
        ("0.5\n0\n0\n-0.5\ninf\n5687699.494\n", "could not be read"),
        (b"\xff\xfe0\x00.\x005\x00", "could not be read"),
        (world_file_text(*MONUMENT_UTM).replace("-0.5", "0.5"), "mirrored image"),
        ("0.5\n0.02\n0.02\n0.5\n319704.754\n5687699.494\n", "mirrored image"),  # turned as well
        (world_file_text(*MONUMENT_UTM, pixel=0), "mirrored image, or one of no size"),
        ("0.5\n0.5\n0.5\n0.5\n319704.754\n5687699.494\n", "one of no size"),  # all pixels on a line
    ],
)
def test_mirrored_or_malformed_world_files_are_refused_with_a_message(text, message):
    with pytest.raises(geo.GeometryError, match=message) as error:
        georef.parse_world_file(text)
    assert str(error.value)


def test_rounding_noise_in_the_rotation_terms_is_not_a_rotation():
    world_file = georef.parse_world_file(world_file_text(*MONUMENT_UTM, rotation=(1e-13, -2e-13)))
    assert (world_file.a, world_file.d, world_file.b) == (0.5, 0, 0)
    assert georef.Footprint.of_world_file(world_file, 10, 10).is_north_up


# An aerial image on the UTM grid: 1000 × 800 pixels of 0.5 m, the monument at the centre of
# pixel (400, 300).
GRID_SIZE = (1000, 800)
MONUMENT_PIXEL = (400, 300)
GROUND = (30, 120, 60)
RED = (255, 0, 0)


def monument_world_file() -> georef.WorldFile:
    column, row = MONUMENT_PIXEL
    return georef.parse_world_file(
        world_file_text(MONUMENT_UTM[0] - 0.5 * column, MONUMENT_UTM[1] + 0.5 * row)
    )


def grid_edges(world_file, size=GRID_SIZE) -> geo.BBox:
    """(left, bottom, right, top) in metres of a north-up image placed by a UTM world file."""
    xs, ys = zip(*georef.Footprint.of_world_file(world_file, *size).corners(), strict=True)
    return geo.BBox(min(xs), min(ys), max(xs), max(ys))


def marked_image(pixel, size=GRID_SIZE, mode="RGB") -> Image.Image:
    """Ground colour, with a red 5 × 5 square centred on `pixel`."""
    image = Image.new("RGB", size, GROUND)
    column, row = pixel
    image.paste(RED, (column - 2, row - 2, column + 3, row + 3))
    return image.convert(mode, palette=Image.Palette.ADAPTIVE) if mode == "P" else image


def marker_centre(image: Image.Image) -> tuple[float, float]:
    """(column, row) of the centre of the red marker, from its outer upper left corner: the
    mean of the pixel centres weighted by how much redder than green they are."""
    red, green = image.getchannel("R"), image.getchannel("G")
    redness = ImageChops.subtract(red, green)
    found = redness.point(lambda v: 255 if v > 60 else 0).getbbox()
    assert found, "no marker in the image"
    left, top, right, bottom = found[0] - 3, found[1] - 3, found[2] + 3, found[3] + 3
    total = columns = rows = 0.0
    for row in range(max(top, 0), min(bottom, image.height)):
        for column in range(max(left, 0), min(right, image.width)):
            weight = redness.getpixel((column, row))
            total += weight
            columns += weight * (column + 0.5)
            rows += weight * (row + 0.5)
    return columns / total, rows / total


def linear_in_latitude(box, size, column, row) -> tuple[float, float]:
    return (
        box.min_x + (box.max_x - box.min_x) * column / size[0],
        box.max_y - (box.max_y - box.min_y) * row / size[1],
    )


@pytest.mark.parametrize("pixel", [MONUMENT_PIXEL, (2, 2), (997, 2), (2, 797), (997, 797)])
def test_an_image_on_the_utm_grid_is_warped_so_its_pixels_land_where_they_lie(pixel):
    world_file = monument_world_file()
    grid = grid_edges(world_file)
    warped, box = georef.warp_north_up(marked_image(pixel), grid)
    assert box == georef.Footprint.of_world_file(world_file, *GRID_SIZE, georef.UTM33).bounds()
    # the world file places the centre of pixel (column, row)
    expected = georef.utm33_to_wgs84(
        world_file.c + world_file.a * pixel[0], world_file.f + world_file.e * pixel[1]
    )
    if pixel == MONUMENT_PIXEL:
        assert metres(expected, MONUMENT_LONLAT) < 0.01
    # Measured: 1.5 cm for the monument, 6 to 10 cm for the corners; the geometry itself is
    # exact to a thousandth of a pixel (below), the rest is how the bicubic filter draws a
    # sharp 5 × 5 square at an offset of a fraction of a pixel. Half a pixel is 25 cm.
    centre = marker_centre(warped)
    assert metres(georef.map_position(box, warped.size, *centre), expected) < 0.25
    # read linearly in latitude instead of in Web Mercator: a few millimetres apart at this size
    assert metres(linear_in_latitude(box, warped.size, *centre), expected) < 0.25
    # stretched into the box unturned, the same pixel would lie metres off
    stretched = linear_in_latitude(box, GRID_SIZE, pixel[0] + 0.5, pixel[1] + 0.5)
    assert metres(stretched, expected) > 2


def coordinate_image(size, axis) -> Image.Image:
    """A 32-bit float image whose pixels hold their own centre's column (axis 0) or row (1)."""
    width, height = size
    image = Image.new("F", size)
    image.putdata([(x if axis == 0 else y) + 0.5 for y in range(height) for x in range(width)])
    return image


def test_each_warped_pixel_samples_the_source_where_proj_puts_it():
    grid = grid_edges(monument_world_file())
    warp = georef.plan_warp(GRID_SIZE, grid)
    assert warp.source_size == GRID_SIZE and len(warp.mesh) == 5 * 4  # 1028 × 835 pixels
    # PIL draws the same mesh the warp uses; bilinear sampling of a linear ramp is exact
    sampled = [
        coordinate_image(GRID_SIZE, axis).transform(
            warp.size, Image.Transform.MESH, warp.mesh, resample=Image.Resampling.BILINEAR
        )
        for axis in (0, 1)
    ]
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    left, _bottom, _right, top = grid.as_list()
    for column in range(40, warp.size[0] - 40, 97):
        for row in range(40, warp.size[1] - 40, 89):
            position = georef.map_position(warp.box, warp.size, column + 0.5, row + 0.5)
            easting, northing = to_utm.transform(*position)
            source = ((easting - left) / 0.5, (top - northing) / 0.5)
            drawn = (sampled[0].getpixel((column, row)), sampled[1].getpixel((column, row)))
            assert drawn == pytest.approx(source, abs=0.005)


def test_the_warped_image_keeps_the_resolution_and_is_transparent_around_the_turned_image():
    grid = grid_edges(monument_world_file())
    warped, box = georef.warp_north_up(marked_image(MONUMENT_PIXEL, mode="P"), grid)
    assert warped.mode == "RGBA"
    # 0.5 m a pixel still, so a little larger: the turned image's corners stick out
    width_m = metres((box.min_x, box.min_y), (box.max_x, box.min_y))
    assert warped.width == pytest.approx(width_m / 0.5, abs=2)
    assert 1 < warped.width * warped.height / (GRID_SIZE[0] * GRID_SIZE[1]) < 1.1
    last_column, last_row = warped.width - 1, warped.height - 1
    for corner in [(0, 0), (last_column, 0), (0, last_row), (last_column, last_row)]:
        assert warped.getpixel(corner)[3] == 0
    assert warped.getpixel((warped.width // 2, warped.height // 4)) == (*GROUND, 255)


def test_a_warp_larger_than_allowed_is_drawn_smaller():
    grid = grid_edges(monument_world_file())
    warped, box = georef.warp_north_up(marked_image(MONUMENT_PIXEL), grid, max_side=600)
    assert max(warped.size) == 600
    assert metres(georef.map_position(box, warped.size, *marker_centre(warped)), MONUMENT_LONLAT) < 0.5
    warped, _box = georef.warp_north_up(marked_image(MONUMENT_PIXEL), grid, max_pixels=200_000)
    assert warped.width * warped.height <= 200_000


def test_a_warp_keeps_transparency_without_dark_edges():
    image = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    image.paste((255, 255, 255, 255), (50, 50, 150, 150))
    grid = geo.BBox(HBF_UTM[0], HBF_UTM[1], HBF_UTM[0] + 100, HBF_UTM[1] + 100)
    warped, _box = georef.warp_north_up(image, grid)
    # every pixel that shows anything is white: no grey seam where the bicubic filter mixed in
    # the transparent pixels
    shown = warped.getchannel("A").point(lambda v: 255 if v > 8 else 0)
    extrema = ImageStat.Stat(warped.convert("RGB"), mask=shown).extrema
    assert all(low >= 250 for low, _high in extrema)


def test_a_warp_needs_utm_edges():
    with pytest.raises(geo.GeometryError, match="not ETRS89 / UTM 33N"):
        georef.warp_north_up(Image.new("RGB", (10, 10)), geo.BBox(12.3, 51.3, 12.4, 51.4))


def turned_world_file(centre, pixel, size: float, degrees: float) -> georef.WorldFile:
    """A world file for an image turned `degrees` clockwise from north, of pixels `size` a
    side, whose `pixel` (column, row) has its centre at `centre`."""
    turn = math.radians(degrees)
    a, d = size * math.cos(turn), -size * math.sin(turn)  # along a row: east, turned clockwise
    b, e = -size * math.sin(turn), -size * math.cos(turn)  # down a column: south, turned alike
    column, row = pixel
    c, f = centre[0] - a * column - b * row, centre[1] - d * column - e * row
    return georef.parse_world_file("\n".join(str(v) for v in (a, d, b, e, c, f)))


@pytest.mark.parametrize("pixel", [MONUMENT_PIXEL, (2, 2), (997, 797)])
@pytest.mark.parametrize("degrees", [30, -60, 180])
def test_an_image_turned_by_its_world_file_is_warped_north_up_with_its_pixels_in_place(pixel, degrees):
    world_file = turned_world_file(MONUMENT_UTM, MONUMENT_PIXEL, 0.5, degrees)
    footprint = georef.Footprint.of_world_file(world_file, *GRID_SIZE, georef.UTM33)
    assert not footprint.is_north_up
    warped, box = georef.warp_north_up(marked_image(pixel), footprint)
    assert box == georef.Footprint.of_world_file(world_file, *GRID_SIZE, georef.UTM33).bounds()
    expected = georef.utm33_to_wgs84(
        world_file.c + world_file.a * pixel[0] + world_file.b * pixel[1],
        world_file.f + world_file.d * pixel[0] + world_file.e * pixel[1],
    )
    if pixel == MONUMENT_PIXEL:
        assert metres(expected, MONUMENT_LONLAT) < 0.01
    centre = marker_centre(warped)
    assert metres(georef.map_position(box, warped.size, *centre), expected) < 0.25
    # the box holds the turned image and no more: each side touches a corner of it
    corners = corner_positions(world_file, GRID_SIZE)
    for lon, lat in corners:
        assert box.min_x - 1e-7 <= lon <= box.max_x + 1e-7 and box.min_y - 1e-7 <= lat <= box.max_y + 1e-7
    assert min(abs(lon - box.min_x) for lon, _ in corners) < 1e-6
    assert min(abs(lat - box.max_y) for _, lat in corners) < 1e-6
    # the same metres a pixel: a turned image needs a larger box, transparent in its corners
    footprint_area = 1000 * 800
    assert warped.width * warped.height > footprint_area * (1.5 if degrees != 180 else 1.0)
    assert warped.getpixel((0, 0))[3] == 0


def test_an_image_turned_in_degrees_is_warped_too():
    # a world file in WGS 84: pixels of 1e-5 degrees (0.7 m across, 1.1 m up in Leipzig)
    world_file = turned_world_file(MONUMENT_LONLAT, (100, 80), 1e-5, 20)
    footprint = georef.Footprint.of_world_file(world_file, 200, 160, georef.WGS84)
    warped, box = georef.warp_north_up(marked_image((100, 80), size=(200, 160)), footprint)
    assert box == footprint.bounds()
    assert metres(georef.map_position(box, warped.size, *marker_centre(warped)), MONUMENT_LONLAT) < 0.5
    assert warped.getpixel((0, 0))[3] == 0


def test_a_footprint_finds_where_a_position_lies_in_the_image():
    footprint = georef.Footprint.of_world_file(turned_world_file(MONUMENT_UTM, (0, 0), 0.5, 33), 1000, 800)
    for u, v in [(0, 0), (1, 0), (0.25, 0.75), (1, 1)]:
        assert footprint.share(*footprint.at(u, v)) == pytest.approx((u, v), abs=1e-9)
    upper_left, upper_right, _lower_right, lower_left = footprint.corners()
    assert math.dist(upper_left, upper_right) == pytest.approx(500)
    assert math.dist(upper_left, lower_left) == pytest.approx(400)
