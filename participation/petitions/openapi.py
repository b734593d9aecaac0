"""The petitions' part of the OpenAPI document of /api/v1 (core/openapi.py puts the parts
together). The bounds here are the ones api.py checks."""

from __future__ import annotations

from participation.core.inputs import MAX_ID
from participation.core.openapi import PROBLEM, nullable, ref
from participation.petitions import api, live_count
from participation.petitions.models import RejectionReason

_ID = {
    "name": "petition_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
_NOT_FOUND = {"description": "No such petition (or not public)", "content": PROBLEM}
_STATES = sorted(live_count.PUBLIC_STATES)
_TIME = nullable({"type": "string", "format": "date-time"})
_COUNT = {"type": "integer", "minimum": 0}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_parameter(name: str, maximum: int, description: str) -> dict:
    return {"name": name, "in": "query", "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": maximum}}


def paths() -> dict:
    page_link = nullable({"type": "string", "format": "uri"})
    listing = {
        "type": "object",
        "required": ["petitions", "page", "per_page", "total", "next", "previous"],
        "properties": {
            "petitions": {"type": "array", "items": ref("Petition")},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": api.MAX_PER_PAGE},
            "total": _COUNT,
            "next": page_link,
            "previous": page_link,
        },
    }
    return {
        "/petitions": {
            "get": {
                "summary": "Public petitions, newest first",
                "parameters": [
                    _page_parameter("page", api.MAX_PAGE, "Page number (1 is the first)"),
                    _page_parameter("per_page", api.MAX_PER_PAGE,
                                    f"Petitions per page (default {api.PER_PAGE})"),
                    {"name": "state", "in": "query", "description": "Only petitions in this state",
                     "schema": {"type": "string", "enum": _STATES}},
                ],
                "responses": {
                    "200": _json("A page of petitions", listing),
                    "400": {"description": "A query parameter not of the form stated here",
                            "content": PROBLEM},
                },
            }
        },
        "/petitions/{petition_id}": {
            "get": {
                "summary": "One petition with its counts by district and by day",
                "parameters": [_ID],
                "responses": {"200": _json("The petition", ref("PetitionDetail")), "404": _NOT_FOUND},
            }
        },
        "/petitions/{petition_id}/count": {
            "get": {
                "summary": "The petition's count, at most two seconds behind the confirmed signatures",
                "description": (
                    "Cacheable for a second (`Cache-Control: public, max-age=1`), with a weak ETag "
                    "of the figures: send it back in `If-None-Match` to get 304 while they are the same."
                ),
                "parameters": [_ID],
                "responses": {
                    "200": _json("The count", ref("PetitionCount")),
                    "304": {"description": "The figures are those of the ETag sent"},
                    "404": _NOT_FOUND,
                },
            }
        },
    }


def schemas() -> dict:
    summary = {
        "type": "object",
        "required": ["id", "title", "state", "signature_count", "url"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "title": {**nullable({"type": "string"}), "description": "null when the text is hidden"},
            "state": {"type": "string", "enum": _STATES},
            "signature_count": {**_COUNT, "description": "confirmed online signatures and paper ones"},
            "url": {"type": "string", "format": "uri"},
        },
    }
    tally = {"online": _COUNT, "paper": _COUNT, "total": _COUNT}
    by_district = {
        "type": "object", "required": ["district", "online", "paper", "total"],
        "properties": {
            "district": {**nullable({"type": "string"}), "description": "null: outside or unknown"},
            **tally,
        },
    }
    by_day = {
        "type": "object", "required": ["date", "online", "paper", "total"],
        "properties": {"date": {"type": "string", "format": "date"}, **tally},
    }
    rejection = {
        "type": "object", "required": ["reason", "explanation", "duplicate_of"],
        "properties": {
            "reason": {"type": "string", "enum": [reason.value for reason in RejectionReason]},
            "explanation": nullable({"type": "string"}),
            "duplicate_of": nullable({"type": "string", "format": "uri"}),
        },
    }
    text = nullable({"type": "string"})
    fields = {
        "request": text, "background": text, "creator": text, "district": text,
        "geometry": {**nullable({"type": "object"}), "description": "GeoJSON geometry (WGS 84)"},
        "submitted_at": _TIME, "decided_at": _TIME, "opened_at": _TIME, "closes_at": _TIME,
        "closed_at": _TIME, "answered_at": _TIME,
        "quorum": {"type": "integer", "minimum": 0},
        "milestone_reached": {"type": "integer", "enum": [0, 25, 50, 75, 100]},
        "for_quorum": {**_COUNT, "description": "signatures from the municipality, which the quorum counts"},
        "signatures_in_municipality": _COUNT, "signatures_outside": _COUNT,
        "online_signatures": _COUNT, "paper_signatures": _COUNT,
        "rejection": nullable(rejection),
        "response": text,
        "response_url": nullable({"type": "string"}),
        "by_district": {"type": "array", "items": by_district},
        "by_day": {"type": "array", "items": by_day},
        "count_url": {"type": "string", "format": "uri"},
    }
    own = {"type": "object", "required": sorted(fields), "properties": fields}
    detail = {"allOf": [ref("Petition"), own]}
    count = {
        "type": "object",
        "required": ["id", "signature_count", "for_quorum", "quorum", "updated_at"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "signature_count": _COUNT,
            "for_quorum": _COUNT,
            "quorum": {"type": "integer", "minimum": 0},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    }
    return {"Petition": summary, "PetitionDetail": detail, "PetitionCount": count}
