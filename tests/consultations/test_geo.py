"""Geometry rules: what a shape must be before it is stored."""

import pytest

from participation.core import geo
from tests.consultations.conftest import AREA


def point(x, y):
    return {"type": "Point", "coordinates": [x, y]}


def test_valid_shapes_are_normalised_and_boxed():
    line = geo.normalise({"type": "LineString", "coordinates": [[12.32, 51.33], [12.33, 51.34]]})
    assert geo.kind_of(line) == "line"
    assert geo.bbox(line).as_list() == [12.32, 51.33, 12.33, 51.34]
    polygon = geo.normalise('{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}')
    assert polygon["coordinates"][0][0] == polygon["coordinates"][0][-1]


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        {"type": "Point", "coordinates": [12.3]},
        {"type": "Point", "coordinates": ["a", "b"]},
        {"type": "Point", "coordinates": [200, 51]},
        {"type": "Point", "coordinates": [float("nan"), 51]},
        {"type": "LineString", "coordinates": [[1, 1], [1, 1]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # bow tie
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},  # no size
        {"type": "MultiPoint", "coordinates": [[0, 0]]},
        {
            "type": "Polygon",
            "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]],
        },
    ],
)
def test_invalid_idea_shapes_are_refused_with_a_message(raw):
    with pytest.raises(geo.GeometryError) as error:
        geo.normalise(raw)
    assert str(error.value)


def test_areas_may_be_multipolygons_with_holes_and_features():
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]]
            ],
        },
    }
    area = geo.normalise(feature, area=True)
    assert geo.point_in_area((3, 3), area)
    assert not geo.point_in_area((1.5, 1.5), area)  # in the hole
    with pytest.raises(geo.GeometryError):
        geo.normalise(point(1, 1), area=True)


def test_within_checks_vertices_and_edges_against_a_concave_area():
    assert geo.within(point(12.325, 51.330), AREA)
    assert not geo.within(point(12.335, 51.326), AREA)  # in the notch
    # both ends inside, but the line crosses the notch
    bridge = {"type": "LineString", "coordinates": [[12.335, 51.322], [12.335, 51.330]]}
    assert not geo.within(bridge, AREA)
    assert geo.within({"type": "LineString", "coordinates": [[12.322, 51.322], [12.322, 51.333]]}, AREA)


def test_plan_coordinates_are_not_range_checked_as_degrees():
    assert geo.normalise(point(800, 600), geographic=False)["coordinates"] == [800, 600]
    assert geo.within_box(point(800, 600), geo.BBox(0, 0, 1000, 700))
    assert not geo.within_box(point(800, 900), geo.BBox(0, 0, 1000, 700))


def test_typed_positions_are_latitude_first_on_maps_and_x_first_on_plans():
    positions = geo.parse_positions("51.33, 12.32\n51.331 12.321\n\n")
    line = geo.geometry_from_positions("line", positions, geographic=True)
    assert line["coordinates"][0] == [12.32, 51.33]
    plan_point = geo.geometry_from_positions("point", [(100, 50)], geographic=False)
    assert plan_point["coordinates"] == [100, 50]
    assert geo.positions_text(line, geographic=True).splitlines()[0] == "51.330000, 12.320000"
    polygon = geo.geometry_from_positions("polygon", [(0, 0), (0, 1), (1, 1)], geographic=True)
    assert len(geo.positions_text(polygon, geographic=True).splitlines()) == 3


@pytest.mark.parametrize(
    "text,kind",
    [
        ("51.33", "point"),
        ("a, b", "point"),
        ("51.3, 12.3\n51.4, 12.4", "point"),
        ("51.3, 12.3", "line"),
        ("51.3, 12.3\n51.4, 12.4", "polygon"),
    ],
)
def test_bad_positions_raise_geometry_errors(text, kind):
    with pytest.raises(geo.GeometryError):
        geo.geometry_from_positions(kind, geo.parse_positions(text), geographic=True)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12.3,51.3,12.4,51.4", [12.3, 51.3, 12.4, 51.4]),
        ("", None),
        ("1,2,3", None),
        ("a,b,c,d", None),
        ("12.4,51.3,12.3,51.4", None),
        ("nan,1,2,3", None),
    ],
)
def test_bbox_parameter(text, expected):
    box = geo.parse_bbox(text)
    assert (box.as_list() if box else None) == expected
