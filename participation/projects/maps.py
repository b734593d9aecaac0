"""Project maps, drawn with core.maps: one project's place, or every project of a filter."""

from __future__ import annotations

from flask import url_for

from participation.core import geo
from participation.core.maps import MapParts, build_map, kept
from participation.projects import VERSION_GROUP
from participation.projects.models import Project

LEIPZIG = geo.BBox(12.24, 51.28, 12.50, 51.40)


def _fit(box: geo.BBox, pad: float) -> list[list[float]]:
    return [[box.min_y - pad, box.min_x - pad], [box.max_y + pad, box.max_x + pad]]


def project_map(project: Project) -> MapParts | None:
    return kept(f"project:{project.id}", [VERSION_GROUP], lambda: _project_map(project))


def _project_map(project: Project) -> MapParts | None:
    if project.geometry is None:
        return None
    return build_map(
        layers=[], fit=_fit(project.bounds, 0.003), shapes=[project.geometry], height_class="map-small"
    )


def overview_map(projects: list[Project]) -> MapParts:
    boxes = [p.bounds for p in projects if p.bounds is not None]
    if boxes:
        box = geo.BBox(
            min(b.min_x for b in boxes),
            min(b.min_y for b in boxes),
            max(b.max_x for b in boxes),
            max(b.max_y for b in boxes),
        )
    else:
        box = LEIPZIG
    # areas are drawn here; every project gets a marker with a link (static/js/projects-map.js)
    areas = [p.geometry for p in projects if p.geometry["type"] != "Point"]
    return build_map(layers=[], fit=_fit(box, 0.005), shapes=areas, height_class="map-medium")


def markers(projects: list[Project]) -> list[dict]:
    """What projects-map.js puts on the overview map: one marker per project."""
    result = []
    for project in projects:
        lon, lat = geo.centre(project.geometry)
        result.append(
            {
                "title": project.title,
                "url": url_for("projects.show", slug=project.slug),
                "status": str(project.status_label),
                "lat": lat,
                "lon": lon,
            }
        )
    return result


def placement_map(project: Project | None) -> MapParts:
    """For the staff form: click or press Enter on the map to add positions to the field."""
    box = project.bounds if project is not None and project.bounds is not None else LEIPZIG
    pad = 0.003 if box is not LEIPZIG else 0.0
    shapes = [project.geometry] if project is not None and project.geometry else []
    return build_map(layers=[], fit=_fit(box, pad), shapes=shapes, height_class="map-medium")
