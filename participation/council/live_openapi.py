"""The live session's part of the OpenAPI document of /api/v1 (core/openapi.py puts the
parts together). The bounds here are the ones live_api.py checks."""

from __future__ import annotations

from participation.core.inputs import MAX_ID
from participation.core.openapi import PERSONAL_TOKEN, PROBLEM, nullable, ref
from participation.council.live_api import MAX_VOTES
from participation.council.live_models import LiveState, VoteOutcome
from participation.council.live_services import TICKER_MAX

_ID = {
    "name": "meeting_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
_VOTES = {"type": "integer", "minimum": 0, "maximum": MAX_VOTES}
_TIME = nullable({"type": "string", "format": "date-time"})
_ITEM_REF = {
    "agenda_item_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "number": {"type": "string", "maxLength": 50, "description": "As printed on the agenda"},
}


def _write(summary: str, body: dict) -> dict:
    return {
        "post": {
            "summary": summary,
            "security": [{PERSONAL_TOKEN: []}],
            "parameters": [_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "200": {
                    "description": "The session now",
                    "content": {"application/json": {"schema": ref("LiveSession")}},
                },
                "401": {"description": "No valid personal API token", "content": PROBLEM},
                "403": {"description": "The token's owner is not council staff", "content": PROBLEM},
                "404": {"description": "No such meeting", "content": PROBLEM},
                "422": {"description": "Not accepted; nothing changed (errors by field)", "content": PROBLEM},
            },
        }
    }


def paths() -> dict:
    return {
        "/meetings/{meeting_id}/live": {
            "get": {
                "summary": "A council meeting's live session: state, current item, ticker, votes",
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "The session",
                        "content": {"application/json": {"schema": ref("LiveSession")}},
                    },
                    "404": {"description": "No such meeting", "content": PROBLEM},
                },
            }
        },
        "/meetings/{meeting_id}/live/current-item": _write(
            "Take up an agenda item (none: between items)", {"type": "object", "properties": dict(_ITEM_REF)}
        ),
        "/meetings/{meeting_id}/live/ticker": _write(
            "Post a ticker entry",
            {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "minLength": 1, "maxLength": TICKER_MAX},
                    **_ITEM_REF,
                },
            },
        ),
        "/meetings/{meeting_id}/live/votes": _write(
            "Record the vote on an agenda item (again: replaces it)",
            {
                "type": "object",
                "required": ["yes", "no", "abstention", "outcome"],
                "properties": {
                    **_ITEM_REF,
                    "yes": _VOTES,
                    "no": _VOTES,
                    "abstention": _VOTES,
                    "outcome": {"type": "string", "enum": [o.value for o in VoteOutcome]},
                    "by_group": {"type": "array", "maxItems": 50, "items": ref("GroupVote")},
                },
            },
        ),
        "/meetings/{meeting_id}/live/state": _write(
            "Start, pause, enter the non-public part, resume or end the session",
            {
                "type": "object",
                "required": ["state"],
                "properties": {
                    "state": {
                        "type": "string",
                        "enum": [s.value for s in LiveState if s is not LiveState.SCHEDULED],
                    }
                },
            },
        ),
    }


def schemas() -> dict:
    group_vote = {
        "type": "object",
        "required": ["organization_id", "yes", "no", "abstention"],
        "properties": {
            "organization_id": {"type": "integer"},
            "yes": _VOTES,
            "no": _VOTES,
            "abstention": _VOTES,
        },
    }
    item = {
        "type": "object",
        "required": ["id", "number", "name", "start"],
        "properties": {
            "id": {"type": "integer"},
            "number": nullable({"type": "string"}),
            "name": nullable({"type": "string"}),
            "start": _TIME,
        },
    }
    return {
        "GroupVote": group_vote,
        "LiveSession": {
            "type": "object",
            "required": [
                "meeting_id",
                "state",
                "started_at",
                "ended_at",
                "current_item",
                "stream_url",
                "recording_url",
                "ticker",
                "votes",
                "jump_marks",
                "url",
            ],
            "properties": {
                "meeting_id": {"type": "integer"},
                "state": {"type": "string", "enum": [s.value for s in LiveState]},
                "started_at": _TIME,
                "ended_at": _TIME,
                "current_item": nullable(item),
                "stream_url": nullable({"type": "string"}),
                "recording_url": nullable({"type": "string"}),
                "ticker": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "text", "agenda_item_id", "created_at"],
                        "properties": {
                            "id": {"type": "integer"},
                            "text": {"type": "string"},
                            "agenda_item_id": nullable({"type": "integer"}),
                            "created_at": _TIME,
                        },
                    },
                },
                "votes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["agenda_item_id", "yes", "no", "abstention", "outcome", "by_group"],
                        "properties": {
                            "agenda_item_id": {"type": "integer"},
                            "yes": _VOTES,
                            "no": _VOTES,
                            "abstention": _VOTES,
                            "outcome": {"type": "string", "enum": [o.value for o in VoteOutcome]},
                            "by_group": {"type": "array", "items": group_vote},
                        },
                    },
                },
                "jump_marks": {
                    "type": "array",
                    "description": "Once there is a recording: where in it each public agenda item begins.",
                    "items": {
                        "type": "object",
                        "required": ["agenda_item_id", "number", "seconds"],
                        "properties": {
                            "agenda_item_id": {"type": "integer"},
                            "number": nullable({"type": "string"}),
                            "seconds": {"type": "integer", "minimum": 0},
                        },
                    },
                },
                "url": {"type": "string", "format": "uri"},
            },
        },
    }
