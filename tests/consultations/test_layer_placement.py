"""Staff place an image layer by ETRS89 / UTM 33N corners or by a world file."""

import io
import re

import pytest
from PIL import Image
from pyproj import Transformer
from sqlalchemy import func, select

from participation.consultations.models import MapLayer
from participation.core import geo, georef, uploads
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import png_bytes
from tests.core.test_georef import (
    MONUMENT_LONLAT,
    MONUMENT_PIXEL,
    MONUMENT_UTM,
    linear_in_latitude,
    marked_image,
    marker_centre,
    metres,
    turned_world_file,
)

# Leipzig Hauptbahnhof, main entrance, in EPSG:25833 (see tests/core/test_georef.py)
HBF_UTM = (317670.609, 5691501.070)
TO_WGS84 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)


def expected_box(left, bottom, right, top):
    """The WGS 84 box around a UTM box, from its four corners alone (PROJ directly, without
    the edge following the app does: within a centimetre for a few hundred metres)."""
    lons, lats = TO_WGS84.transform([left, right, right, left], [bottom, bottom, top, top])
    return min(lats), min(lons), max(lats), max(lons)  # south, west, north, east


def checked(page: str, name: str) -> list[str]:
    """The values of the radio buttons called `name` that are ticked."""
    return re.findall(rf'<input checked id="{name}-\d+" name="{name}" type="radio" value="([^"]+)">', page)


def layer_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MapLayer))


def stored_bounds(app):
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        return layer.south, layer.west, layer.north, layer.east


@pytest.fixture
def post_layer(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"

    def _post(image=(1000, 800), **extra):
        """`image`: the size of a plain green PNG, or the bytes of the file; None: no file."""
        data = {
            "csrf_token": csrf_token(client, url),
            "name": "Luftbild Hauptbahnhof",
            "kind": "image",
            "opacity": "1",
            "description": "Luftbild des Hauptbahnhofs mit dem Willy-Brandt-Platz",
        }
        if image:
            body = image if isinstance(image, bytes) else png_bytes(image)
            data["image"] = (io.BytesIO(body), "luftbild.png")
        data.update(extra)
        return client.post(url, data=data, content_type="multipart/form-data")

    _post.url = url
    return _post


def test_the_form_offers_three_ways_of_giving_the_corners(client, post_layer):
    page = client.get(post_layer.url).get_data(as_text=True)
    assert "<legend>How are the corners given?</legend>" in page
    for value, label in [
        ("wgs84", "WGS 84 degrees"),
        ("utm33", "ETRS89 / UTM 33N (EPSG:25833) metres"),
        ("world_file", "World file"),
    ]:
        assert f'value="{value}"' in page and label in page
    assert checked(page, "placement") == ["wgs84"] and checked(page, "world_file_crs") == ["EPSG:25833"]
    for name in ("south", "sw_easting", "ne_northing", "world_file", "world_file_text", "world_file_crs"):
        assert f'name="{name}"' in page  # all shown: the form works without JavaScript


def test_staff_place_an_image_by_utm_corners(app, post_layer):
    response = post_layer(
        placement="utm33",
        sw_easting="317500",
        sw_northing="5691300",
        ne_easting="318000",
        ne_northing="5691700",
        south="1",  # the degree fields are not read for this way
    )
    assert response.status_code == 302
    assert stored_bounds(app) == pytest.approx(expected_box(317500, 5691300, 318000, 5691700), abs=1e-5)


WORLD_FILE = f"0.5\n0.0\n0.0\n-0.5\n{HBF_UTM[0]}\n{HBF_UTM[1]}\n"


def test_staff_place_an_image_by_an_uploaded_world_file(app, post_layer):
    response = post_layer(
        placement="world_file",
        world_file=(io.BytesIO(WORLD_FILE.encode()), "luftbild.pgw"),
        world_file_crs="EPSG:25833",
    )
    assert response.status_code == 302
    # 1000 × 800 pixels of 0.5 m; the outer edge lies half a pixel beyond the first pixel's centre
    left, top = HBF_UTM[0] - 0.25, HBF_UTM[1] + 0.25
    assert stored_bounds(app) == pytest.approx(expected_box(left, top - 400, left + 500, top), abs=1e-5)


def test_staff_may_paste_a_world_file_in_degrees(app, post_layer):
    response = post_layer(
        image=(200, 100),
        placement="world_file",
        world_file_text="0.0001\n0\n0\n-0.0001\n12.30005\n51.34995\n",
        world_file_crs="EPSG:4326",
    )
    assert response.status_code == 302
    assert stored_bounds(app) == pytest.approx((51.34, 12.30, 51.35, 12.32), abs=1e-9)
    image, layer = stored_image(app)
    assert image.size == (layer.image_width, layer.image_height) == (200, 100)  # north-up already


def test_a_mirrored_world_file_comes_back_with_the_form_filled_in(app, post_layer):
    mirrored = f"0.5\n0.02\n0.02\n0.5\n{HBF_UTM[0]}\n{HBF_UTM[1]}\n"
    response = post_layer(
        placement="world_file",
        world_file=(io.BytesIO(mirrored.encode()), "luftbild.jgw"),
        sw_easting="317500",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The world file describes a mirrored image" in page
    assert 'id="world_file-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Luftbild Hauptbahnhof"' in page
    assert re.search(r'name="sw_easting" value="317500(\.0)?"', page)
    assert "5691501.07" in page  # the uploaded world file is in the text field now
    assert checked(page, "placement") == ["world_file"]
    assert layer_count(app) == 0


def utm_corners(sw_easting, sw_northing, ne_easting, ne_northing) -> dict:
    return {
        "sw_easting": sw_easting,
        "sw_northing": sw_northing,
        "ne_easting": ne_easting,
        "ne_northing": ne_northing,
    }


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({"sw_easting": "317500", "sw_northing": "5691300"}, "sw_easting", "Please give both corners"),
        (
            utm_corners("5691300", "317500", "5691700", "318000"),
            "sw_easting",
            "Are easting and northing swapped?",
        ),
        (
            utm_corners("318000", "5691300", "317500", "5691700"),
            "sw_easting",
            "The south-west corner must lie south and west of the north-east corner.",
        ),
    ],
)
def test_bad_utm_corners_are_told_at_their_field(app, post_layer, extra, field, message):
    response = post_layer(placement="utm33", **extra)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert layer_count(app) == 0


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({}, "world_file", "Please choose a world file or paste its six lines."),
        ({"world_file_text": "0.5\n0\n0\n-0.5\n"}, "world_file_text", "this one has 4"),
        (
            {"world_file": (io.BytesIO(b"0.5\n" * 600), "gross.wld")},
            "world_file",
            "this one is larger than 2 KB",
        ),
        (
            {  # metres taken for degrees
                "world_file_text": f"0.0001\n0\n0\n-0.0001\n{HBF_UTM[0]}\n{HBF_UTM[1]}\n",
                "world_file_crs": "EPSG:4326",
            },
            "world_file_text",
            "valid range of longitude and latitude",
        ),
    ],
)
def test_bad_world_files_are_told_at_their_field(app, post_layer, extra, field, message):
    response = post_layer(placement="world_file", **extra)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert layer_count(app) == 0


def test_a_placement_mistake_is_told_together_with_a_missing_description(app, post_layer):
    response = post_layer(placement="world_file", world_file_text="nonsense", description="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The world file could not be read." in page
    assert "Please describe what the image shows" in page
    assert layer_count(app) == 0


def test_a_world_file_without_an_image_asks_for_the_image(app, post_layer):
    response = post_layer(image=None, placement="world_file", world_file_text=WORLD_FILE)
    assert response.status_code == 422
    assert "Please choose an image file." in response.get_data(as_text=True)
    assert layer_count(app) == 0


def test_the_degree_fields_still_work_as_before(app, post_layer):
    response = post_layer(south="51.34", west="12.37", north="51.35", east="12.39", sw_easting="1")
    assert response.status_code == 302
    assert stored_bounds(app) == (51.34, 12.37, 51.35, 12.39)


def stored_image(app) -> tuple[Image.Image, MapLayer]:
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        db.session.expunge(layer)
        with Image.open(io.BytesIO(uploads.storage().read(layer.image_key))) as image:
            image.load()
            return image, layer


def png_with_gps(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 18.0, 43.0), 3: "E", 4: (12.0, 24.0, 47.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif)
    return out.getvalue()


# The marked aerial image of tests/core/test_georef.py: 1000 × 800 pixels of 0.5 m on the UTM
# grid, the monument at the centre of pixel (400, 300); its outer edges in metres:
MONUMENT_LEFT = MONUMENT_UTM[0] - 0.5 * (MONUMENT_PIXEL[0] + 0.5)
MONUMENT_TOP = MONUMENT_UTM[1] + 0.5 * (MONUMENT_PIXEL[1] + 0.5)
MONUMENT_WORLD_FILE = f"0.5\n0\n0\n-0.5\n{MONUMENT_LEFT + 0.25}\n{MONUMENT_TOP - 0.25}\n"
MONUMENT_CORNERS = utm_corners(MONUMENT_LEFT, MONUMENT_TOP - 400, MONUMENT_LEFT + 500, MONUMENT_TOP)


@pytest.mark.parametrize(
    "placement",
    [
        {"placement": "world_file", "world_file_text": MONUMENT_WORLD_FILE, "world_file_crs": "EPSG:25833"},
        {"placement": "utm33", **{name: str(value) for name, value in MONUMENT_CORNERS.items()}},
    ],
    ids=["world file", "utm corners"],
)
def test_an_image_on_the_utm_grid_is_stored_north_up_with_the_marker_in_place(app, post_layer, placement):
    response = post_layer(image=png_with_gps(marked_image(MONUMENT_PIXEL)), **placement)
    assert response.status_code == 302
    image, layer = stored_image(app)
    assert layer.image_key.endswith(".png") and image.mode == "RGBA"
    assert not image.getexif()  # stored through the same re-encoding: no GPS, no camera
    # warped: a little larger than the upload (the turned corners), transparent around it
    assert image.size == (layer.image_width, layer.image_height) != (1000, 800)
    assert 1 < image.width * image.height / (1000 * 800) < 1.1
    assert image.getpixel((0, 0))[3] == 0
    # still the box around the image, as before
    assert stored_bounds(app) == pytest.approx(
        expected_box(MONUMENT_LEFT, MONUMENT_TOP - 400, MONUMENT_LEFT + 500, MONUMENT_TOP), abs=1e-5
    )
    box = geo.BBox(layer.west, layer.south, layer.east, layer.north)
    centre = marker_centre(image)
    assert metres(linear_in_latitude(box, image.size, *centre), MONUMENT_LONLAT) < 1
    assert metres(georef.map_position(box, image.size, *centre), MONUMENT_LONLAT) < 1


def test_an_image_placed_in_degrees_is_not_warped(app, post_layer):
    response = post_layer(
        image=_png(marked_image(MONUMENT_PIXEL)),
        south="51.3096",
        west="12.4100",
        north="51.3134",
        east="12.4174",
    )
    assert response.status_code == 302
    image, layer = stored_image(app)
    assert image.size == (layer.image_width, layer.image_height) == (1000, 800)
    assert image.mode == "RGB"
    # the marker where it was: stretched onto the box, nothing turned
    assert marker_centre(image) == pytest.approx((MONUMENT_PIXEL[0] + 0.5, MONUMENT_PIXEL[1] + 0.5))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def world_file_lines(world_file: georef.WorldFile) -> str:
    w = world_file
    return "\n".join(str(v) for v in (w.a, w.d, w.b, w.e, w.c, w.f)) + "\n"


@pytest.mark.parametrize(
    "crs,centre,pixel_size", [("EPSG:25833", MONUMENT_UTM, 0.5), ("EPSG:4326", MONUMENT_LONLAT, 5e-6)]
)
def test_an_image_turned_by_its_world_file_is_stored_north_up_with_the_marker_in_place(
    app, post_layer, crs, centre, pixel_size
):
    world_file = turned_world_file(centre, MONUMENT_PIXEL, pixel_size, 25)
    response = post_layer(
        image=_png(marked_image(MONUMENT_PIXEL)),
        placement="world_file",
        world_file_text=world_file_lines(world_file),
        world_file_crs=crs,
    )
    assert response.status_code == 302
    image, layer = stored_image(app)
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0  # turned: its corners are clear
    assert image.width * image.height > 1.5 * 1000 * 800
    box = geo.BBox(layer.west, layer.south, layer.east, layer.north)
    assert box == georef.Footprint.of_world_file(world_file, 1000, 800, crs).bounds()
    assert metres(georef.map_position(box, image.size, *marker_centre(image)), MONUMENT_LONLAT) < 1
