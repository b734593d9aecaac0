"""The consultations' part of the OpenAPI document of /api/v1 (core/openapi.py puts the
parts together), written by hand next to the routes it describes.

It states what the routes really accept and answer: the patterns and bounds here are the
ones the views check (queries.BBOX_PATTERN and friends), and tests/consultations/
test_openapi_fuzz.py runs schemathesis over every operation against the whole document.
"""

from __future__ import annotations

from participation.consultations.models import IdeaStatus, MapMode, State
from participation.consultations.queries import BBOX_PATTERN, CLUSTER_ABOVE, MAX_FEATURES, PLAN_BBOX_PATTERN
from participation.core.inputs import MAX_ID
from participation.core.openapi import PROBLEM as _PROBLEM
from participation.core.openapi import nullable as _nullable
from participation.core.openapi import ref as _ref

SLUG_PATTERN = "[a-z0-9-]{1,80}"  # as core.slugs makes them; checked with re.fullmatch
KINDS = ["point", "line", "polygon"]

_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": f"^{SLUG_PATTERN}$"},
}
_NOT_FOUND = {"description": "No such consultation (or not public)", "content": _PROBLEM}


def _ideas_operation() -> dict:
    return {
        "summary": "Ideas as GeoJSON",
        "description": (
            f"At most {MAX_FEATURES} features. When more than {CLUSTER_ABOVE} ideas match, the answer "
            "holds grid clusters (`properties.cluster` true, `properties.count`) and "
            "`properties.clustered` of the collection is true; an idea feature has "
            "`properties.cluster` false. Without `category` and `status` the clusters come from "
            "cells kept as ideas change, so a cluster's count may include ideas just outside "
            "the box.\n\n"
            "Answers carry an ETag that changes with the ideas: send it back in If-None-Match "
            "to get 304 Not Modified while nothing changed.\n\n"
            "Geometries are GeoJSON (RFC 7946), that is WGS 84 longitude/latitude. On a "
            "plan-only consultation (`plan_coordinates` true) positions are pixels of the plan "
            "(x to the right, y up from its lower left corner): there every feature's "
            "`geometry` is null and the position is `properties.plan_geometry`."
        ),
        "parameters": [
            _SLUG,
            {
                "name": "bbox",
                "in": "query",
                "description": (
                    "west,south,east,north in WGS 84 degrees (longitudes within ±180, latitudes "
                    "within ±90): ideas overlapping the box. Filters geographic consultations; on "
                    "a plan-only one, and where west > east or south > north (boxes across the "
                    "antimeridian are not supported), it matches nothing."
                ),
                "schema": {"type": "string", "pattern": f"^{BBOX_PATTERN}$"},
            },
            {
                "name": "plan_bbox",
                "in": "query",
                "description": (
                    "west,south,east,north in pixels of the plan: ideas overlapping the box. "
                    "Filters plan-only consultations; on a geographic one, and where west > east "
                    "or south > north, it matches nothing."
                ),
                "schema": {"type": "string", "pattern": f"^{PLAN_BBOX_PATTERN}$"},
            },
            {
                "name": "category",
                "in": "query",
                "description": "Category ids (see the consultation's `categories`); any of them matches.",
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
            },
            {
                "name": "status",
                "in": "query",
                "description": "Statuses; any of them matches.",
                "style": "form",
                "explode": True,
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [status.value for status in IdeaStatus]},
                },
            },
        ],
        "responses": {
            "200": {
                "description": "FeatureCollection",
                "content": {"application/geo+json": {"schema": _ref("FeatureCollection")}},
            },
            "304": {"description": "Not Modified: the If-None-Match header named this answer's ETag"},
            "400": {"description": "A query parameter not of the form stated here", "content": _PROBLEM},
            "404": _NOT_FOUND,
        },
    }


def paths() -> dict:
    return {
        "/consultations": {
            "get": {
                "summary": "Public consultations",
                "responses": {
                    "200": {
                        "description": "List of consultations",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["consultations"],
                                    "properties": {
                                        "consultations": {"type": "array", "items": _ref("Consultation")}
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/consultations/{slug}": {
            "get": {
                "summary": "One consultation with its participation area and categories",
                "parameters": [_SLUG],
                "responses": {
                    "200": {
                        "description": "The consultation",
                        "content": {"application/json": {"schema": _ref("ConsultationDetail")}},
                    },
                    "404": _NOT_FOUND,
                },
            }
        },
        "/consultations/{slug}/ideas.geojson": {"get": _ideas_operation()},
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document",
                        "content": {
                            "application/json": {"schema": {"type": "object", "required": ["openapi"]}}
                        },
                    }
                },
            }
        },
    }


def _geometry_schemas() -> dict:
    position = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
    line = {"type": "array", "minItems": 2, "items": position}
    ring = {"type": "array", "minItems": 4, "items": position}

    def geometry(kind: str, coordinates: dict) -> dict:
        return {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": kind}, "coordinates": coordinates},
        }

    return {
        "Point": geometry("Point", position),
        "LineString": geometry("LineString", line),
        "Polygon": geometry("Polygon", {"type": "array", "minItems": 1, "items": ring}),
        "Geometry": {"oneOf": [_ref("Point"), _ref("LineString"), _ref("Polygon")]},
    }


def _consultation_schemas() -> dict:
    summary = {
        "type": "object",
        "required": [
            "slug", "title", "summary", "state", "map_mode", "plan_coordinates", "allowed_kinds", "bbox",
            "starts_on", "ends_on", "accepting_ideas", "ideas", "url", "ideas_url",
        ],
        "properties": {
            "slug": {"type": "string", "pattern": f"^{SLUG_PATTERN}$"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "state": {"type": "string", "enum": [state.value for state in State]},
            "map_mode": {"type": "string", "enum": [mode.value for mode in MapMode]},
            "plan_coordinates": {
                "type": "boolean",
                "description": "true: `bbox` and `area` are in pixels of the plan, not degrees",
            },
            "allowed_kinds": {"type": "array", "items": {"type": "string", "enum": KINDS}},
            "bbox": _nullable({"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}),
            "starts_on": _nullable({"type": "string", "format": "date"}),
            "ends_on": _nullable({"type": "string", "format": "date"}),
            "accepting_ideas": {
                "type": "boolean",
                "description": "open, and today lies in the participation period",
            },
            "ideas": {"type": "integer", "minimum": 0},
            "url": {"type": "string", "format": "uri"},
            "ideas_url": {"type": "string", "format": "uri"},
        },
    }
    category = {
        "type": "object",
        "required": ["id", "name", "color"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "color": {"type": "string"}},
    }
    detail = {
        "allOf": [
            _ref("Consultation"),
            {
                "type": "object",
                "required": ["area", "categories"],
                "properties": {
                    "area": _nullable(_ref("Geometry")),
                    "categories": {"type": "array", "items": category},
                },
            },
        ]
    }
    return {"Consultation": summary, "ConsultationDetail": detail}


def _feature_schemas() -> dict:
    # Ideas and clusters are told apart by properties.cluster (false / true), so every
    # feature matches exactly one branch of the collection's oneOf.
    plan_geometry = {
        **_ref("Geometry"),
        "description": "Only on plan-only consultations: the position in pixels of the plan",
    }
    geometry = {
        **_nullable(_ref("Geometry")),
        "description": "WGS 84; null on plan-only consultations (see properties.plan_geometry)",
    }
    idea = {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "integer"},
            "geometry": geometry,
            "properties": {
                "type": "object",
                "required": ["id", "cluster", "title", "category", "category_id", "status", "supports",
                             "created", "url"],
                "properties": {
                    "id": {"type": "integer"},
                    "cluster": {"const": False},
                    "title": {"type": "string"},
                    "category": {"type": ["string", "null"]},
                    "category_id": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": [s.value for s in IdeaStatus]},
                    "supports": {"type": "integer", "minimum": 0},
                    "created": {"type": "string", "format": "date-time"},
                    "url": {"type": "string"},
                    "plan_geometry": plan_geometry,
                },
            },
        },
    }
    cluster = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "geometry": {**geometry, "description": "Point at the ideas' mean centre; null on plans"},
            "properties": {
                "type": "object",
                "required": ["cluster", "count"],
                "properties": {
                    "cluster": {"const": True},
                    "count": {"type": "integer", "minimum": 1},
                    "plan_geometry": plan_geometry,
                },
            },
        },
    }
    collection = {
        "type": "object",
        "required": ["type", "features", "properties"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "maxItems": MAX_FEATURES,
                "items": {"oneOf": [_ref("Idea"), _ref("Cluster")]},
            },
            "properties": {
                "type": "object",
                "required": ["total", "clustered", "plan_coordinates"],
                "properties": {
                    "total": {"type": "integer", "minimum": 0},
                    "clustered": {"type": "boolean"},
                    "plan_coordinates": {"type": "boolean"},
                    "categories": {
                        "type": "object",
                        "description": "category id -> name and colour (not with clusters)",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "color": {"type": "string"}},
                        },
                    },
                    "status_labels": {
                        "type": "object",
                        "description": "status -> label in the language of the request",
                        "additionalProperties": {"type": "string"},
                    },
                },
            },
        },
    }
    return {"Idea": idea, "Cluster": cluster, "FeatureCollection": collection}


def schemas() -> dict:
    return {**_consultation_schemas(), **_geometry_schemas(), **_feature_schemas()}
