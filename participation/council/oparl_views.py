"""The read-only OParl 1.1 API: /oparl/1.1/system and everything reachable from it.

Stateless (no session, no cookie: spec 2.3), `Access-Control-Allow-Origin: *` on every answer
(spec 2.6, errors included: council.init_app), OParl error objects for errors (spec 2.9).
External lists are paginated by `page` in a stable order (by id) and take the filters
`created_since`, `created_until`, `modified_since`, `modified_until` and `omit_internal`,
which every `links` URL keeps, in one canonical order.
"""

from __future__ import annotations

import io
import mimetypes
from datetime import UTC, datetime

from flask import abort, current_app, jsonify, redirect, request, send_file
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from participation.core import uploads
from participation.core.errors import error_detail
from participation.core.settings_access import current_settings
from participation.core.urls import external_url
from participation.council import oparl, queries
from participation.council.blueprint import oparl_bp as bp
from participation.council.models import Body, File, Meeting
from participation.extensions import db

ELEMENTS_PER_PAGE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
OPARL_JSON = "application/json; charset=utf-8"


class BadFilter(ValueError):
    pass


def _content_language() -> str:
    return current_app.config.get("CONTENT_LANGUAGE", "de")


def error_document(code: int, error: HTTPException | None):
    """spec 2.9: type, a message for people (in the language of the content), debug."""
    with force_locale(_content_language()):
        message = error_detail(code, error)
    response = jsonify(type=oparl.SCHEMA + "Error", message=message, debug=f"HTTP {code} for {request.path}")
    response.status_code = code
    return response


def _json(document: dict):
    response = jsonify(document)
    response.headers["Content-Type"] = OPARL_JSON
    return response


def _parse_time(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))  # a "+" sent unencoded is a space
    except ValueError as bad:
        raise BadFilter(f"{name}: {raw!r} is not an ISO 8601 date-time") from bad
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or raw != str(int(raw)):  # one canonical spelling
        abort(400, description="page: a whole number from 1")
    return int(raw)


@bp.get("/system")
def system():
    with force_locale(_content_language()):
        name = gettext("Leipzig takes part")
    return _json(oparl.system_document(queries.system(), name=name, website=current_settings().base_url))


@bp.get("/body")
def bodies():
    return _list(queries.bodies().where(Body.deleted.is_(False)), "oparl.bodies", {})


@bp.get("/body/<int:body_id>/<kind>")
def body_list(body_id: int, kind: str):
    model = queries.BODY_LISTS.get(kind)
    body = db.session.get(Body, body_id)
    if model is None or body is None:
        abort(404)
    try:
        filters = {name: _parse_time(name) for name in FILTERS}
    except BadFilter as bad:
        abort(400, description=str(bad))
    query = queries.body_list(model, body_id, **filters)
    return _list(query, "oparl.body_list", {"body_id": body_id, "kind": kind})


@bp.get("/organization/<int:organization_id>/meeting")
def organization_meetings(organization_id: int):
    from participation.council.models import Organization

    if db.session.get(Organization, organization_id) is None:
        abort(404)
    return _list(
        queries.meetings_of_organization(organization_id).order_by(None).order_by(Meeting.id),
        "oparl.organization_meetings",
        {"organization_id": organization_id},
    )


def _list(query, endpoint: str, values: dict):
    """One page of an external list, with pagination and links that keep the filters."""
    page = _page()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // ELEMENTS_PER_PAGE))
    if page > pages:
        abort(404)
    rows = db.session.scalars(query.limit(ELEMENTS_PER_PAGE).offset((page - 1) * ELEMENTS_PER_PAGE)).all()
    omit_internal = request.args.get("omit_internal") == "true"
    kept = {name: request.args[name] for name in (*FILTERS, "omit_internal") if request.args.get(name)}

    def link(number: int) -> str:
        return external_url(endpoint, **values, **kept, **({"page": number} if number > 1 else {}))

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return _json(
        {
            "data": [oparl.document(row, omit_internal=omit_internal) for row in rows],
            "pagination": {
                "totalElements": total,
                "elementsPerPage": ELEMENTS_PER_PAGE,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }
    )


@bp.get("/<kind>/<int:object_id>")
def object(kind: str, object_id: int):  # noqa: A001 - OParl's word
    model = oparl.MODELS_BY_SEGMENT.get(kind)
    found = db.session.get(model, object_id) if model is not None else None
    if found is None or getattr(found, "public", True) is False:  # non-public items and files
        abort(404)
    return _json(oparl.document(found))


def _public_file(file_id: int) -> File:
    file = db.session.get(File, file_id)
    if file is None or not file.public or file.deleted:
        abort(404)
    return file


@bp.get("/file/<int:file_id>/access")
def file_access(file_id: int):
    return _serve(_public_file(file_id), as_attachment=False)


@bp.get("/file/<int:file_id>/download")
def file_download(file_id: int):
    return _serve(_public_file(file_id), as_attachment=True)


def _serve(file: File, *, as_attachment: bool):
    """Our own files from the upload storage; imported ones from where their server keeps them."""
    if file.storage_key:
        try:
            data = uploads.storage().read(file.storage_key)
        except FileNotFoundError:
            abort(404)
        name = file.file_name or f"datei-{file.id}"
        mimetype = file.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return send_file(
            io.BytesIO(data), mimetype=mimetype, as_attachment=as_attachment, download_name=name, max_age=3600
        )
    if file.access_url:
        return redirect(file.access_url, 302)
    abort(404)
