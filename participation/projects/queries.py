"""Reads for projects: filtered lists, the map, updates and feeds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from participation.consultations.models import Consultation
from participation.extensions import db
from participation.projects.models import (
    DISTRICTS,
    TOPICS,
    Project,
    ProjectConsultation,
    ProjectStatus,
    ProjectUpdate,
)


@dataclass
class ProjectFilters:
    status: str = ""
    district: str = ""
    topic: str = ""

    @classmethod
    def from_args(cls, args) -> ProjectFilters:
        status = args.get("status", "")
        district = args.get("district", "")
        topic = args.get("topic", "")
        return cls(
            status=status if status in {s.value for s in ProjectStatus} else "",
            district=district if district in DISTRICTS else "",
            topic=topic if topic in TOPICS else "",
        )

    def apply(self, query):
        if self.status:
            query = query.where(Project.status == self.status)
        if self.district:
            query = query.where(Project.district == self.district)
        if self.topic:
            query = query.where(Project.topic == self.topic)
        return query

    def as_args(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (("status", self.status), ("district", self.district), ("topic", self.topic))
            if v
        }


def filtered(filters: ProjectFilters):
    return filters.apply(Project.public()).order_by(Project.published_at.desc(), Project.id.desc())


def located(filters: ProjectFilters) -> list[Project]:
    """Every project of the filter that has a location, for the overview map."""
    query = filters.apply(Project.public()).where(Project.min_lon.is_not(None)).order_by(Project.id)
    return list(db.session.scalars(query))


def updates_of(project_id: int, limit: int | None = None):
    query = (
        select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project_id)
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
    )
    return query.limit(limit) if limit else query


def latest_updates(limit: int = 5) -> list[tuple[ProjectUpdate, Project]]:
    rows = db.session.execute(
        select(ProjectUpdate, Project)
        .join(Project, Project.id == ProjectUpdate.project_id)
        .where(Project.published.is_(True))
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
        .limit(limit)
    )
    return [(update, project) for update, project in rows]


def newest_projects(limit: int = 30) -> list[Project]:
    return list(
        db.session.scalars(
            Project.public().order_by(Project.published_at.desc(), Project.id.desc()).limit(limit)
        )
    )


def related_consultations(project: Project):
    """Slug and title of the public consultations linked to the project (only what the page
    shows, so the project page does not depend on the rest of the consultation table)."""
    return db.session.execute(
        Consultation.public()
        .with_only_columns(Consultation.slug, Consultation.title)
        .join(ProjectConsultation, ProjectConsultation.consultation_id == Consultation.id)
        .where(ProjectConsultation.project_id == project.id)
        .order_by(Consultation.title)
    ).all()


def consultation_choices() -> list[tuple[int, str]]:
    query = (
        Consultation.public()
        .with_only_columns(Consultation.id, Consultation.title)
        .order_by(Consultation.title)
    )
    return [(row.id, row.title) for row in db.session.execute(query)]
