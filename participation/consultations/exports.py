"""Open-data exports of a consultation's ideas: no names, no e-mail addresses, no photos."""

from __future__ import annotations

import csv
import io
import json

from flask import Response
from sqlalchemy.orm import selectinload

from participation.consultations import queries
from participation.consultations.models import Consultation, Idea
from participation.extensions import db

COLUMNS = [
    "id",
    "title",
    "text",
    "category",
    "status",
    "kind",
    "supports",
    "created_at",
    "response",
    "centre_x",
    "centre_y",
    "geometry",
]


def _rows(consultation: Consultation):
    ideas = db.session.scalars(
        Idea.visible_in(consultation.id).options(selectinload(Idea.category)).order_by(Idea.id)
    ).all()
    counts = queries.support_counts(idea.id for idea in ideas)
    for idea in ideas:
        yield idea, counts.get(idea.id, 0)


def _record(idea: Idea, supports: int) -> dict:
    centre_x = (idea.min_lon + idea.max_lon) / 2
    centre_y = (idea.min_lat + idea.max_lat) / 2
    return {
        "id": idea.id,
        "title": idea.title,
        "text": idea.body,
        "category": idea.category.name if idea.category else "",
        "status": idea.status,
        "kind": idea.kind,
        "supports": supports,
        "created_at": idea.created_at.isoformat(),
        "response": idea.response or "",
        "centre_x": round(centre_x, 7),
        "centre_y": round(centre_y, 7),
    }


def _safe_cell(value):
    # Spreadsheet programs run cells starting with these as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(consultation: Consultation) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for idea, supports in _rows(consultation):
        record = _record(idea, supports)
        record["geometry"] = json.dumps(idea.geometry, separators=(",", ":"))
        writer.writerow([_safe_cell(record[c]) for c in COLUMNS])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{consultation.slug}-ideen.csv"'},
    )


def geojson_response(consultation: Consultation) -> Response:
    """RFC 7946 GeoJSON: on a plan-only consultation `geometry` is null and the position in
    pixels of the plan is `properties.plan_geometry` (GIS tools read geometry as WGS 84)."""
    features = []
    for idea, supports in _rows(consultation):
        geometry, properties = queries.placed(consultation, idea.geometry, _record(idea, supports))
        features.append({"type": "Feature", "id": idea.id, "geometry": geometry, "properties": properties})
    body = {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "consultation": consultation.title,
            "plan_coordinates": consultation.is_plan,
        },
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        mimetype="application/geo+json",
        headers={"Content-Disposition": f'attachment; filename="{consultation.slug}-ideen.geojson"'},
    )
