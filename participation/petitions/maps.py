"""Petition maps, drawn with core.maps: one petition's place, or every petition of the list.

Titles never pass through folium: static/js/petitions-map.js puts the markers on the map and
builds their tooltips and popups from DOM text nodes, so a title is shown as typed.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext

from participation.core import geo
from participation.core.maps import MapParts, build_map
from participation.petitions.models import Petition

LEIPZIG = geo.BBox(12.24, 51.28, 12.50, 51.40)


def _fit(box: geo.BBox, pad: float) -> list[list[float]]:
    return [[box.min_y - pad, box.min_x - pad], [box.max_y + pad, box.max_x + pad]]


def petition_map(petition: Petition) -> MapParts | None:
    if petition.geometry is None or petition.bounds is None:
        return None
    return build_map(
        layers=[], fit=_fit(petition.bounds, 0.003), shapes=[petition.geometry], height_class="map-small"
    )


def overview_map(petitions: list[Petition]) -> MapParts:
    boxes = [p.bounds for p in petitions if p.bounds is not None]
    box = (
        geo.BBox(min(b.min_x for b in boxes), min(b.min_y for b in boxes),
                 max(b.max_x for b in boxes), max(b.max_y for b in boxes))
        if boxes else LEIPZIG
    )
    areas = [p.geometry for p in petitions if p.geometry and p.geometry.get("type") != "Point"]
    return build_map(layers=[], fit=_fit(box, 0.005), shapes=areas, height_class="map-medium")


def markers(petitions: list[Petition], totals: dict[int, int]) -> list[dict]:
    """What petitions-map.js puts on the overview map: one marker per petition, plain data."""
    result = []
    for petition in petitions:
        if petition.geometry is None:
            continue
        lon, lat = geo.centre(petition.geometry)
        result.append({
            "title": petition.title,
            "url": url_for("petitions.show", petition_id=petition.id),
            "state": str(petition.state_label),
            "signatures": ngettext("%(num)d signature", "%(num)d signatures", totals.get(petition.id, 0)),
            "lat": lat,
            "lon": lon,
        })
    return result
