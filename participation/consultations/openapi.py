"""The OpenAPI 3.1 description of /api/v1, written by hand next to the routes it describes."""

from __future__ import annotations

from participation.consultations.models import IdeaStatus
from participation.consultations.queries import MAX_FEATURES

_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leipzig takes part – consultations API",
            "version": "1.0.0",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
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
                                        "properties": {
                                            "consultations": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Consultation"},
                                            }
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
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Consultation"}}
                            },
                        },
                        "404": {"description": "No such consultation"},
                    },
                }
            },
            "/consultations/{slug}/ideas.geojson": {
                "get": {
                    "summary": "Ideas as GeoJSON",
                    "description": (
                        f"At most {MAX_FEATURES} features. When more ideas match, the answer "
                        "holds grid clusters (properties.cluster = true, properties.count) and "
                        "`properties.clustered` of the collection is true. With "
                        "`plan_coordinates` true, coordinates are pixels of the plan image "
                        "(x to the right, y up from the lower left corner), not "
                        "longitude/latitude."
                    ),
                    "parameters": [
                        _SLUG,
                        {
                            "name": "bbox",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "west,south,east,north (pixels on plan-only maps)",
                        },
                        {
                            "name": "category",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "integer"}},
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "status",
                            "in": "query",
                            "style": "form",
                            "explode": True,
                            "schema": {
                                "type": "array",
                                "items": {
                                    "type": "string",
                                    "enum": [status.value for status in IdeaStatus],
                                },
                            },
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "FeatureCollection",
                            "content": {
                                "application/geo+json": {
                                    "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                                }
                            },
                        },
                        "400": {"description": "Malformed bbox"},
                        "404": {"description": "No such consultation"},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Consultation": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "state": {"type": "string", "enum": ["open", "closed", "evaluated"]},
                        "map_mode": {"type": "string", "enum": ["geographic", "plan"]},
                        "plan_coordinates": {"type": "boolean"},
                        "allowed_kinds": {"type": "array", "items": {"type": "string"}},
                        "bbox": {"type": ["array", "null"], "items": {"type": "number"}},
                        "starts_on": {"type": ["string", "null"], "format": "date"},
                        "ends_on": {"type": ["string", "null"], "format": "date"},
                        "accepting_ideas": {
                            "type": "boolean",
                            "description": "open, and today lies in the participation period",
                        },
                        "ideas": {"type": "integer"},
                        "url": {"type": "string"},
                        "ideas_url": {"type": "string"},
                    },
                },
                "Idea": {
                    "type": "object",
                    "required": ["type", "id", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "id": {"type": "integer"},
                        "geometry": {"type": "object", "description": "Point, LineString or Polygon"},
                        "properties": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "title": {"type": "string"},
                                "category": {"type": ["string", "null"]},
                                "category_id": {"type": ["integer", "null"]},
                                "status": {"type": "string", "enum": [s.value for s in IdeaStatus]},
                                "supports": {"type": "integer"},
                                "created": {"type": "string", "format": "date-time"},
                                "url": {"type": "string"},
                            },
                        },
                    },
                },
                "Cluster": {
                    "type": "object",
                    "properties": {
                        "type": {"const": "Feature"},
                        "geometry": {"type": "object", "description": "Point at the ideas' mean centre"},
                        "properties": {
                            "type": "object",
                            "properties": {"cluster": {"const": True}, "count": {"type": "integer"}},
                        },
                    },
                },
                "FeatureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"const": "FeatureCollection"},
                        "features": {
                            "type": "array",
                            "maxItems": MAX_FEATURES,
                            "items": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Idea"},
                                    {"$ref": "#/components/schemas/Cluster"},
                                ]
                            },
                        },
                        "properties": {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "clustered": {"type": "boolean"},
                                "plan_coordinates": {"type": "boolean"},
                                "categories": {
                                    "type": "object",
                                    "description": "category id -> name and colour (not with clusters)",
                                    "additionalProperties": {
                                        "type": "object",
                                        "properties": {
                                            "name": {"type": "string"},
                                            "color": {"type": "string"},
                                        },
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
                },
            }
        },
    }
