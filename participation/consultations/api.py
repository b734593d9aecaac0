"""JSON API v1: consultations and their ideas as GeoJSON, described by OpenAPI."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask import Response, abort, current_app, jsonify, request
from flask_babel import get_locale
from flask_login import AnonymousUserMixin, current_user

from participation.consultations import queries
from participation.consultations.blueprint import api_bp as bp
from participation.consultations.models import Consultation
from participation.consultations.openapi import SLUG_PATTERN
from participation.core import data_versions, geo, standalone_reads
from participation.core import openapi as api_document
from participation.core.process_memo import ProcessMemo
from participation.core.urls import external_url
from participation.extensions import cache, db


def _summary(consultation: Consultation, idea_count: int) -> dict:
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "summary": consultation.summary,
        "state": consultation.state,
        "map_mode": consultation.map_mode,
        "plan_coordinates": consultation.is_plan,
        "allowed_kinds": consultation.allowed_kinds,
        "bbox": consultation.bounds.as_list() if consultation.bounds else None,
        "starts_on": consultation.starts_on.isoformat() if consultation.starts_on else None,
        "ends_on": consultation.ends_on.isoformat() if consultation.ends_on else None,
        "accepting_ideas": consultation.is_open,
        "ideas": idea_count,
        "url": external_url("consultations.show", slug=consultation.slug),
        "ideas_url": external_url("consultations_api.ideas", slug=consultation.slug),
    }


@bp.get("/consultations")
def consultations():
    items = db.session.scalars(Consultation.public().order_by(Consultation.id)).all()
    counts = queries.consultation_idea_counts(c.id for c in items)
    return jsonify(consultations=[_summary(c, counts.get(c.id, 0)) for c in items])


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    item = _load(slug)
    body = _summary(item, queries.consultation_idea_counts([item.id]).get(item.id, 0))
    body["area"] = item.geometry
    body["categories"] = [{"id": c.id, "name": c.name, "color": c.color} for c in item.categories]
    return jsonify(body)


@bp.get("/consultations/<slug>/ideas.geojson")
def ideas(slug: str):
    """Ideas as a GeoJSON FeatureCollection, filtered by `bbox` (degrees) or `plan_bbox`
    (pixels), `category` and `status` as the OpenAPI document states; beyond CLUSTER_ABOVE ideas the
    answer is grid clusters (`properties.clustered`)."""
    standalone_reads.without_transaction()  # it only reads (every pan of the map)
    item = _map_subject(slug)
    try:
        filters = queries.IdeaFilters.from_api_args(request.args, item)
    except queries.InvalidFilter as invalid:
        abort(400, description=f"The query parameter {invalid.name} is not of the documented form.")
    return _versioned_geojson(item, lambda: queries.map_features(item, filters))


def _versioned_geojson(item: MapSubject | Consultation, build) -> Response:
    """The answer under an ETag of the ideas' data version: a map that pans back to where it
    was gets 304 Not Modified, and the same view asked again is read from the shared cache
    until an idea, a support or the consultation changes (status labels follow the
    language)."""
    from participation.consultations import VERSION_GROUP

    key = f"{item.id}:{get_locale()}:{request.query_string.decode('latin-1')}"
    version = data_versions.versions([VERSION_GROUP])
    etag = hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    body = cache.get(f"ideas-geojson:{etag}")
    if body is None:
        body, clustered = build()
        # Clusters are kept: they read the pyramid of a whole area and are small. Listed ideas
        # are not: they are quick to read again, a street's list is asked by the one person
        # whose map shows that very box (their browser gets 304 for it), and writing up to
        # 150 ideas to the cache on every pan cost more than it saved.
        if clustered:
            cache.set(f"ideas-geojson:{etag}", body, timeout=data_versions.REMEMBERED_SECONDS)
    return Response(body, mimetype="application/geo+json", headers=headers)


@bp.get("/openapi.json")
def openapi():
    """The whole /api/v1 document: every feature's part (core/openapi.py)."""
    return jsonify(api_document.document(current_app))


@dataclass(frozen=True)
class _Category:
    id: int
    name: str
    color: str


@dataclass(frozen=True)
class MapSubject:
    """What the ideas' answers read of a public consultation (queries.map_features takes it
    for the Consultation), kept per process and data version: loading the consultation was a
    sixth of a street box's time, on every pan of the map."""

    id: int
    slug: str
    is_plan: bool
    bounds: geo.BBox | None
    categories: tuple[_Category, ...]

    @classmethod
    def of(cls, item: Consultation) -> MapSubject:
        categories = tuple(_Category(c.id, c.name, c.color) for c in item.categories)
        return cls(item.id, item.slug, item.is_plan, item.bounds, categories)


_SUBJECTS = ProcessMemo(64)


def _map_subject(slug: str) -> MapSubject | Consultation:
    """The consultation as its map's answers need it; one that only staff see (a draft) is
    loaded for each of their requests and never kept."""
    from participation.consultations import VERSION_GROUP

    version = data_versions.versions([VERSION_GROUP])
    key = f"{slug}:{version}"
    subject = _SUBJECTS.get(key)
    if subject is None:
        item = _load(slug)
        if not item.can_view(AnonymousUserMixin()):
            return item
        subject = MapSubject.of(item)
        if "none" not in version.split("."):  # NullCache's version never moves on
            _SUBJECTS.put(key, subject)
    return subject


def _load(slug: str) -> Consultation:
    if not re.fullmatch(SLUG_PATTERN, slug):
        abort(404)
    item = db.first_or_404(db.select(Consultation).where(Consultation.slug == slug))
    if not item.can_view(current_user):
        abort(404)
    return item
