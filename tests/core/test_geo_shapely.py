"""Shapes GEOS calls invalid are refused with a message that says what is wrong (core.geo)."""

import pytest

from participation.core import geo

SHELL = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
HOLE = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]
CROSSES = "The outline of the area crosses itself."


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def refusal(raw, **options) -> str:
    with pytest.raises(geo.GeometryError) as error:
        geo.normalise(raw, geographic=False, **options)
    return str(error.value)


@pytest.mark.parametrize(
    "rings,area,message",
    [
        # bow tie: its two halves have the same size, so its signed area is 0 as well
        ([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]], False, CROSSES),
        ([[[0, 0], [4, 0], [4, 4], [2, -1], [0, 4], [0, 0]]], False, CROSSES),
        # a figure of eight that only touches itself at a corner
        ([[[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]], False, CROSSES),
        ([[[0, 0], [1, 0], [2, 0], [0, 0]]], False, "The area has no size."),
        ([[[0, 0], [1, 1], [2, 2], [3, 3], [0, 0]]], False, "The area has no size."),
        ([[[0, 0], [1, 1], [0, 0]]], False, "An area needs at least three different corners."),
        ([SHELL, HOLE], False, "An area with holes is not supported here."),
        ([SHELL, [[12, 12], [14, 12], [14, 14], [12, 12]]], True,
         "A hole of the area lies outside it or crosses its outline."),
        ([SHELL, [[5, 5], [15, 5], [15, 6], [5, 6], [5, 5]]], True,
         "A hole of the area lies outside it or crosses its outline."),
        ([SHELL, SHELL], True, "A hole of the area lies outside it or crosses its outline."),
        ([SHELL, HOLE, [[3, 3], [6, 3], [6, 6], [3, 6], [3, 3]]], True,
         "Holes of the area overlap or lie inside one another."),
        ([SHELL, [[1, 1], [8, 1], [8, 8], [1, 8], [1, 1]], HOLE], True,
         "Holes of the area overlap or lie inside one another."),
        ([SHELL, [[1, 1], [2, 2], [1, 2], [2, 1], [1, 1]]], True, CROSSES),  # a bow tie of a hole
    ],
)
def test_invalid_polygons_are_refused_with_what_is_wrong(rings, area, message):
    assert refusal(polygon(*rings), area=area) == message


def test_multipolygon_parts_are_checked_one_by_one():
    bad_hole = [SHELL, [[12, 12], [14, 12], [14, 14], [12, 12]]]
    raw = {"type": "MultiPolygon", "coordinates": [[SHELL], bad_hole]}
    assert refusal(raw, area=True) == "A hole of the area lies outside it or crosses its outline."


def test_lines_may_cross_themselves():
    loop = {"type": "LineString", "coordinates": [[0, 0], [2, 2], [2, 0], [0, 2]]}
    assert geo.normalise(loop, geographic=False)["coordinates"] == loop["coordinates"]


def test_a_hole_may_touch_the_outline_at_one_corner():
    corner_hole = [[0, 0], [3, 1], [1, 3], [0, 0]]
    assert geo.normalise(polygon(SHELL, corner_hole), area=True, geographic=False)


def test_a_point_in_a_hole_is_outside_the_area_and_its_edges_are_inside():
    area = geo.normalise(polygon(SHELL, HOLE), area=True, geographic=False)
    assert geo.point_in_area((1, 1), area)
    assert not geo.point_in_area((3, 3), area)  # in the hole
    assert geo.point_in_area((2, 3), area)  # on the hole's edge
    assert geo.point_in_area((0, 5), area)  # on the outline
    assert not geo.point_in_area((11, 5), area)
    assert geo.within({"type": "Point", "coordinates": [1, 1]}, area)
    assert not geo.within({"type": "Point", "coordinates": [3, 3]}, area)


def test_a_shape_across_or_around_a_hole_is_not_within_the_area():
    area = geo.normalise(polygon(SHELL, HOLE), area=True, geographic=False)
    across = {"type": "LineString", "coordinates": [[1, 3], [5, 3]]}
    around = polygon([[1, 1], [5, 1], [5, 5], [1, 5], [1, 1]])
    beside = polygon([[5, 5], [9, 5], [9, 9], [5, 9], [5, 5]])
    assert not geo.within(across, area)
    assert not geo.within(around, area)  # every corner inside, but the hole is in it
    assert geo.within(beside, area)


def test_a_line_out_of_a_notch_between_two_corners_is_not_within():
    notched = geo.normalise(
        polygon([[0, 0], [10, 0], [10, 4], [6, 4], [6, 6], [10, 6], [10, 10], [0, 10], [0, 0]]),
        area=True,
        geographic=False,
    )
    mouth = {"type": "LineString", "coordinates": [[10, 4], [10, 6]]}  # across the open notch
    assert not geo.within(mouth, notched)
    assert geo.within({"type": "LineString", "coordinates": [[10, 6], [10, 10]]}, notched)  # on the edge


def test_overlapping_parts_of_an_area_count_once():
    # districts drawn side by side share an edge, which GEOS calls an invalid MultiPolygon
    west = [[0, 0], [5, 0], [5, 5], [0, 5], [0, 0]]
    east = [[5, 0], [10, 0], [10, 5], [5, 5], [5, 0]]
    overlapping = [[4, 1], [8, 1], [8, 8], [4, 8], [4, 1]]
    area = geo.normalise(
        {"type": "MultiPolygon", "coordinates": [[west], [east], [overlapping]]}, area=True, geographic=False
    )
    assert geo.point_in_area((4.5, 2), area)  # in two parts at once
    assert geo.within({"type": "LineString", "coordinates": [[1, 1], [9, 1]]}, area)
    assert not geo.within({"type": "LineString", "coordinates": [[1, 1], [9, 7]]}, area)
