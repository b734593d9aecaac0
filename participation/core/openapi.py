"""The one OpenAPI 3.1 document of /api/v1, which each feature with an API adds its part to.

A feature's init_app calls `register(app, paths=..., schemas=...)` with two functions that
return its paths and its component schemas; `document(app)` puts the parts together when
the document is asked for (so `url_for` and settings work in them). What all parts share
lives here: the problem+json schema of errors and a few helpers for writing a part.
The tests run schemathesis over every registered operation (tests/consultations/
test_openapi_fuzz.py): a part states exactly what its routes accept and answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

PERSONAL_TOKEN = "personalToken"  # noqa: S105 - the security scheme of the routes that write
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}

_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


@dataclass(frozen=True)
class Part:
    name: str  # the feature, for error messages
    paths: Callable[[], dict]
    schemas: Callable[[], dict]


def register(app: Flask, name: str, *, paths: Callable[[], dict], schemas: Callable[[], dict]) -> None:
    """Add a feature's paths and schemas to the document (once per feature and app)."""
    parts: dict[str, Part] = app.extensions.setdefault("openapi_parts", {})
    parts[name] = Part(name, paths, schemas)


def document(app: Flask) -> dict:
    paths: dict = {}
    schemas: dict = {"Problem": _PROBLEM_SCHEMA}
    for part in app.extensions.get("openapi_parts", {}).values():
        for label, found, into in (("path", part.paths(), paths), ("schema", part.schemas(), schemas)):
            clash = set(found) & set(into)
            if clash:
                raise ValueError(f"openapi: {part.name} registers the {label}(s) {sorted(clash)} again")
            into.update(found)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leipzig takes part – API",
            "version": "1.0.0",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            "description": (
                "Reading needs nothing; writing (the live council session) needs a personal API "
                "token of a staff member as `Authorization: Bearer <token>` (account page, or "
                "`flask users token EMAIL`). Errors are RFC 9457 problem+json documents; a method "
                "a path does not offer answers 405 with an `Allow` header."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": {PERSONAL_TOKEN: {
            "type": "http", "scheme": "bearer", "description": "A personal API token (starts with pt_)"}}},
    }
