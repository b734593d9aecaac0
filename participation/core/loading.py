"""Looking rows up for a request: 404 unless the row exists and belongs where the URL says."""

from __future__ import annotations

from flask import abort

from participation.extensions import db


def owned_or_404(model, pk: int, **owner):
    """Row `pk` of `model` if its columns match `owner` (`consultation_id=7`), else 404. Ids in
    URLs are easy to guess: a category of another consultation must not be reachable here."""
    row = db.session.get(model, pk)
    if row is None or any(getattr(row, column) != value for column, value in owner.items()):
        abort(404)
    return row
