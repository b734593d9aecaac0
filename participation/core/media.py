"""Uploaded images (idea photos, project images, map layers) served from the upload storage."""

from __future__ import annotations

import io

from flask import Blueprint, abort, send_file

from participation.core import uploads

bp = Blueprint("media", __name__)


@bp.get("/media/<path:key>")
def file(key: str):
    if not uploads.valid_key(key) or not uploads.is_public(key):
        abort(404)
    try:
        data = uploads.storage().read(key)
    except FileNotFoundError:
        abort(404)
    mimetype = "image/png" if key.endswith(".png") else "image/jpeg"
    response = send_file(io.BytesIO(data), mimetype=mimetype, max_age=86400)
    response.headers["Content-Disposition"] = "inline"
    return response
