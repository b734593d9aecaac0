"""Looking council objects up for a page: 404 when there is no such object, 410 when it was
deleted (OParl keeps deleted objects as tombstones: the address existed and is gone, which a
person and a search engine should both be told)."""

from __future__ import annotations

from flask import abort, make_response, render_template
from sqlalchemy import Select

from participation.extensions import db


def shown_or_gone(statement: Select):
    """The one row of `statement` (a page query with its options), if it is not deleted."""
    found = db.session.scalars(statement).first()
    if found is None:
        abort(404)
    if found.deleted:
        abort(make_response(render_template("council/gone.html"), 410))
    return found


def listed(objects) -> list:
    """The objects of a relationship that are not deleted (the page links them)."""
    return [obj for obj in objects if obj is not None and not obj.deleted]


def papers_of(item) -> list:
    """The papers an agenda item deals with (through its consultations) that are not deleted."""
    return listed(consultation.paper for consultation in item.consultations if not consultation.deleted)
