"""City projects, their milestones, images, updates and links to consultations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core import districts
from participation.core.access import Role
from participation.core.geo_columns import BBoxColumns
from participation.core.locale import city_today
from participation.core.models import TimestampMixin, utcnow
from participation.extensions import db


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    IN_PLANNING = "in_planning"
    UNDER_CONSTRUCTION = "under_construction"
    COMPLETED = "completed"
    PAUSED = "paused"


STATUS_LABELS = {
    ProjectStatus.PLANNED: _l("Planned"),
    ProjectStatus.IN_PLANNING: _l("In planning"),
    ProjectStatus.UNDER_CONSTRUCTION: _l("Under construction"),
    ProjectStatus.COMPLETED: _l("Completed"),
    ProjectStatus.PAUSED: _l("Paused"),
}

# Leipzig's ten Stadtbezirke: the district filter offers these.
DISTRICTS = districts.DISTRICTS  # the projects pages filter by them

TOPICS = {
    "mobility": _l("Mobility and streets"),
    "green": _l("Parks, green and play"),
    "education": _l("Schools and education"),
    "sport": _l("Sport and swimming"),
    "culture": _l("Culture"),
    "housing": _l("Housing and neighbourhoods"),
}

# Projects here take comments until they are completed; then reading stays, writing stops.
COMMENTS_CLOSED = {ProjectStatus.COMPLETED.value}


class Project(TimestampMixin, BBoxColumns, db.Model):
    __tablename__ = "project"
    __table_args__ = (Index("ix_project_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.PLANNED.value, index=True)
    district: Mapped[str | None] = mapped_column(String(40), index=True)
    topic: Mapped[str | None] = mapped_column(String(40), index=True)
    budget_eur: Mapped[int | None] = mapped_column(BigInteger)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    # references to council papers ("VII-DS-01234"), linked once the council module exists
    council_papers: Mapped[list] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(default=False, index=True)
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.due, Milestone.id", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProjectImage]] = relationship(
        back_populates="project",
        order_by="ProjectImage.position, ProjectImage.id",
        cascade="all, delete-orphan",
    )
    consultation_links: Mapped[list[ProjectConsultation]] = relationship(cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ProjectStatus(self.status)]

    @property
    def topic_label(self) -> str | None:
        return TOPICS.get(self.topic) if self.topic else None

    @property
    def comments_open(self) -> bool:
        return self.published and self.status not in COMMENTS_CLOSED

    def can_view(self, user) -> bool:
        return self.published or is_staff(user)

    @classmethod
    def public(cls):
        return select(cls).where(cls.published.is_(True))


class Milestone(db.Model):
    __tablename__ = "project_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    due: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="milestones")

    @property
    def state_label(self) -> str:
        """Done; still ahead; or due and not done, which a timeline must not call "ahead"."""
        if self.done:
            return _l("done")
        return _l("ahead") if self.due >= city_today() else _l("not done yet")


class ProjectImage(db.Model):
    __tablename__ = "project_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(back_populates="images")


class ProjectUpdate(db.Model):
    """A short news post by staff; each one notifies the project's followers."""

    __tablename__ = "project_update"
    __table_args__ = (Index("ix_project_update_project_created", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    project: Mapped[Project] = relationship()


class ProjectConsultation(db.Model):
    __tablename__ = "project_consultation"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True, index=True
    )


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.STAFF.value,
        Role.ADMIN.value,
    )
