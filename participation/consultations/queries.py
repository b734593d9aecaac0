"""Reads: filtered ideas, derived support counts, and map features under a hard cap."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from participation.consultations.models import Category, Consultation, Idea, IdeaStatus, Support
from participation.core import geo
from participation.extensions import db

# The whole-area view never sends more than this many features; beyond it ideas are
# grouped into grid clusters on the server.
MAX_FEATURES = 2000
CLUSTER_GRID = 40  # 40 x 40 cells = 1,600 clusters at most


@dataclass
class IdeaFilters:
    bbox: geo.BBox | None = None
    category_ids: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> IdeaFilters:
        category_ids = [int(v) for v in args.getlist("category") if v.isdigit()]
        statuses = [v for v in args.getlist("status") if v in {s.value for s in IdeaStatus}]
        return cls(geo.parse_bbox(args.get("bbox")), category_ids, statuses)

    def as_args(self) -> dict:
        args: dict = {}
        if self.category_ids:
            args["category"] = self.category_ids
        if self.statuses:
            args["status"] = self.statuses
        return args


def filtered_ideas(consultation: Consultation, filters: IdeaFilters):
    """Visible ideas of the consultation matching the filters; the bbox test is written so
    the (consultation_id, min_lon, max_lon, min_lat, max_lat) index serves it."""
    query = Idea.visible_in(consultation.id)
    box = filters.bbox
    if box is not None:
        query = query.where(
            Idea.min_lon <= box.max_x,
            Idea.max_lon >= box.min_x,
            Idea.min_lat <= box.max_y,
            Idea.max_lat >= box.min_y,
        )
    if filters.category_ids:
        query = query.where(Idea.category_id.in_(filters.category_ids))
    if filters.statuses:
        query = query.where(Idea.status.in_(filters.statuses))
    return query


def newest_first(query):
    return query.options(selectinload(Idea.category), selectinload(Idea.author)).order_by(Idea.id.desc())


def has_ideas(consultation: Consultation) -> bool:
    return (
        db.session.scalar(select(Idea.id).where(Idea.consultation_id == consultation.id).limit(1)) is not None
    )


def support_counts(idea_ids) -> dict[int, int]:
    ids = list(idea_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Support.idea_id, func.count()).where(Support.idea_id.in_(ids)).group_by(Support.idea_id)
    )
    return {idea_id: count for idea_id, count in rows}


def support_count(idea_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea_id)) or 0


def supported_by(user, idea_ids) -> set[int]:
    ids = list(idea_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            select(Support.idea_id).where(Support.user_id == user.id, Support.idea_id.in_(ids))
        )
    )


def categories_of(consultation: Consultation):
    return select(Category).where(Category.consultation_id == consultation.id).order_by(Category.position)


def consultation_idea_counts(consultation_ids) -> dict[int, int]:
    ids = list(consultation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Idea.consultation_id, func.count())
        .where(Idea.consultation_id.in_(ids), Idea.visibility == "visible")
        .group_by(Idea.consultation_id)
    )
    return dict(rows.all())


def map_features(consultation: Consultation, filters: IdeaFilters) -> dict:
    """GeoJSON FeatureCollection of matching ideas, or grid clusters when too many match."""
    query = filtered_ideas(consultation, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total > MAX_FEATURES:
        return _clustered(consultation, query, total, filters.bbox or consultation.bounds)
    ideas = db.session.scalars(query.options(selectinload(Idea.category)).order_by(Idea.id)).all()
    counts = support_counts(idea.id for idea in ideas)
    features = [idea_feature(idea, counts.get(idea.id, 0)) for idea in ideas]
    return _collection(consultation, features, total, clustered=False)


def idea_feature(idea: Idea, supports: int) -> dict:
    from flask import url_for

    return {
        "type": "Feature",
        "id": idea.id,
        "geometry": idea.geometry,
        "properties": {
            "id": idea.id,
            "title": idea.title,
            "kind": idea.kind,
            "category": idea.category.name if idea.category else None,
            "category_id": idea.category_id,
            "color": idea.category.color if idea.category else None,
            "status": idea.status,
            "status_label": str(idea.status_label),
            "supports": supports,
            "url": url_for("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id),
        },
    }


def _collection(consultation: Consultation, features: list[dict], total: int, clustered: bool) -> dict:
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "total": total,
            "clustered": clustered,
            "plan_coordinates": consultation.is_plan,
        },
    }


def _clustered(consultation: Consultation, query, total: int, box: geo.BBox | None) -> dict:
    """Group ideas by the centre of their box into a fixed grid over the requested area; only
    the small centre columns are read, and at most CLUSTER_GRID² features come back."""
    centres = query.with_only_columns((Idea.min_lon + Idea.max_lon) / 2, (Idea.min_lat + Idea.max_lat) / 2)
    rows = db.session.execute(centres).all()
    if box is None:
        xs, ys = [r[0] for r in rows], [r[1] for r in rows]
        box = geo.BBox(min(xs), min(ys), max(xs), max(ys))
    width = (box.max_x - box.min_x) or 1e-9
    height = (box.max_y - box.min_y) or 1e-9
    cells: dict[tuple[int, int], list[float]] = {}
    for x, y in rows:
        cx = min(CLUSTER_GRID - 1, max(0, int((x - box.min_x) / width * CLUSTER_GRID)))
        cy = min(CLUSTER_GRID - 1, max(0, int((y - box.min_y) / height * CLUSTER_GRID)))
        cell = cells.setdefault((cx, cy), [0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += x
        cell[2] += y
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [sx / n, sy / n]},
            "properties": {"cluster": True, "count": n},
        }
        for n, sx, sy in cells.values()
    ]
    return _collection(consultation, features, total, clustered=True)
