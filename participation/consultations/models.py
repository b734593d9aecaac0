"""Consultations on a map or a plan, their layers and categories, ideas and supports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.consultations import spatial
from participation.core import geo
from participation.core.access import Role
from participation.core.content import AuthoredContent, Visibility
from participation.core.geo_columns import BBoxColumns
from participation.core.locale import city_today
from participation.core.models import TimestampMixin, utcnow
from participation.extensions import db


class State(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    EVALUATED = "evaluated"  # results published


STATE_LABELS = {
    State.DRAFT: _l("Draft"),
    State.OPEN: _l("Open for ideas"),
    State.CLOSED: _l("Closed"),
    State.EVALUATED: _l("Results published"),
}

# Which state each state may move to; everything else is refused.
TRANSITIONS: dict[State, set[State]] = {
    State.DRAFT: {State.OPEN},
    State.OPEN: {State.CLOSED},
    State.CLOSED: {State.OPEN, State.EVALUATED},
    State.EVALUATED: set(),
}

TRANSITION_LABELS = {
    State.OPEN: _l("Open for ideas"),
    State.CLOSED: _l("Close"),
    State.EVALUATED: _l("Publish results"),
}


class MapMode(StrEnum):
    GEOGRAPHIC = "geographic"  # WGS84 longitude/latitude on a web map
    PLAN = "plan"  # pixel coordinates on one plan image (Leaflet CRS.Simple)


MAP_MODE_LABELS = {
    MapMode.GEOGRAPHIC: _l("Geographic map (longitude and latitude)"),
    MapMode.PLAN: _l("Plan only (a floor plan or drawing without geographic position)"),
}

KIND_LABELS = {
    "point": _l("Point"),
    "line": _l("Line"),
    "polygon": _l("Area"),
}


class IdeaStatus(StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


IDEA_STATUS_LABELS = {
    IdeaStatus.RECEIVED: _l("Received"),
    IdeaStatus.IN_REVIEW: _l("Under review"),
    IdeaStatus.ACCEPTED: _l("Accepted"),
    IdeaStatus.PARTIALLY_ACCEPTED: _l("Partially accepted"),
    IdeaStatus.REJECTED: _l("Rejected"),
    IdeaStatus.IMPLEMENTED: _l("Implemented"),
}

IDEA_TITLE_MAX = 120
IDEA_BODY_MAX = 5000


WMS_FORMATS = ("image/png", "image/jpeg")


class LayerKind(StrEnum):
    IMAGE = "image"
    XYZ = "xyz"
    WMS = "wms"


LAYER_KIND_LABELS = {
    LayerKind.IMAGE: _l("Image (plan or aerial photo)"),
    LayerKind.XYZ: _l("Tile service (XYZ)"),
    LayerKind.WMS: _l("Web Map Service (WMS)"),
}


class Consultation(TimestampMixin, BBoxColumns, db.Model):
    """A question the city asks, answered with ideas placed on a map or a plan.

    `geometry` is the participation area: ideas must lie inside it (when set).
    """

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # what came of the ideas: written by staff, required before the state "evaluated"
    results: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value, index=True)
    map_mode: Mapped[str] = mapped_column(String(20), default=MapMode.GEOGRAPHIC.value)
    # which geometry kinds ideas may have: a list drawn from "point", "line", "polygon"
    allowed_kinds: Mapped[list] = mapped_column(JSON, default=lambda: ["point"])
    # the participation period in the city's calendar, both days included; either end may
    # stay open. An open consultation takes ideas only within it.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    categories: Mapped[list[Category]] = relationship(
        back_populates="consultation",
        order_by="Category.position, Category.id",
        cascade="all, delete-orphan",
    )
    layers: Mapped[list[MapLayer]] = relationship(
        back_populates="consultation",
        order_by="MapLayer.position, MapLayer.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_plan(self) -> bool:
        return self.map_mode == MapMode.PLAN.value

    @property
    def is_open(self) -> bool:
        """Ideas, supports and comments are taken: the state is open and today lies in the period."""
        return self.state == State.OPEN.value and self.period_phase == "running"

    @property
    def period_phase(self) -> str:
        """"upcoming" before the first day, "over" after the last, "running" otherwise."""
        today = city_today()
        if self.starts_on and today < self.starts_on:
            return "upcoming"
        if self.ends_on and today > self.ends_on:
            return "over"
        return "running"

    @property
    def is_evaluated(self) -> bool:
        return self.state == State.EVALUATED.value

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]

    @property
    def badge(self) -> tuple[str, str]:
        """(state for the CSS class, label): the state as residents see it today, when an open
        consultation's period has not begun or is over."""
        if self.state == State.OPEN.value and not self.is_open:
            if self.period_phase == "upcoming":
                return State.CLOSED.value, _l("Not open yet")
            return State.CLOSED.value, STATE_LABELS[State.CLOSED]
        return self.state, self.state_label

    def next_states(self) -> list[State]:
        return sorted(TRANSITIONS[State(self.state)], key=list(State).index)

    @property
    def plan_layer(self) -> MapLayer | None:
        """On a plan-only consultation: the image whose pixels are the coordinate space."""
        return next((layer for layer in self.layers if layer.kind == LayerKind.IMAGE.value), None)

    def plan_box(self) -> geo.BBox | None:
        layer = self.plan_layer
        if not self.is_plan or layer is None or not layer.image_width:
            return None
        return geo.BBox(0, 0, float(layer.image_width), float(layer.image_height))

    def can_view(self, user) -> bool:
        return self.state != State.DRAFT.value or _is_staff(user)

    def can_add_idea(self, user) -> bool:
        return (
            self.is_open
            and bool(getattr(user, "is_authenticated", False))
            and user.email_confirmed
            and not user.is_blocked
        )

    @classmethod
    def public(cls):
        return select(cls).where(cls.state.in_([State.OPEN.value, State.CLOSED.value, State.EVALUATED.value]))

    @classmethod
    def open_ones(cls):
        """Consultations taking ideas today: open, and within their period."""
        today = city_today()
        return (
            select(cls)
            .where(
                cls.state == State.OPEN.value,
                or_(cls.starts_on.is_(None), cls.starts_on <= today),
                or_(cls.ends_on.is_(None), cls.ends_on >= today),
            )
            .order_by(cls.created_at.desc())
        )


class Category(db.Model):
    __tablename__ = "consultation_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    color: Mapped[str] = mapped_column(String(7), default="#0b5394")
    position: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="categories")


class MapLayer(db.Model):
    """A background for the map: an uploaded image placed by its SW/NE corners (or, on a
    plan-only consultation, filling the plan's pixel space), or a tile/WMS service."""

    __tablename__ = "map_layer"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default=LayerKind.IMAGE.value)
    is_base: Mapped[bool] = mapped_column(default=False)
    # ticked in the layer switcher when the map opens
    shown_by_default: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    opacity: Mapped[float] = mapped_column(Float, default=1.0)
    attribution: Mapped[str] = mapped_column(String(300), default="")
    # image layers
    image_key: Mapped[str | None] = mapped_column(String(200))
    image_width: Mapped[int | None]
    image_height: Mapped[int | None]
    # the image's text alternative: what it shows, for people who cannot see it
    description: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    south: Mapped[float | None] = mapped_column(Float)
    west: Mapped[float | None] = mapped_column(Float)
    north: Mapped[float | None] = mapped_column(Float)
    east: Mapped[float | None] = mapped_column(Float)
    # tile and WMS layers
    url: Mapped[str | None] = mapped_column(String(500))
    wms_layers: Mapped[str | None] = mapped_column(String(200))
    wms_format: Mapped[str | None] = mapped_column(String(30))

    consultation: Mapped[Consultation] = relationship(back_populates="layers")

    @property
    def kind_label(self) -> str:
        return LAYER_KIND_LABELS[LayerKind(self.kind)]


class Idea(AuthoredContent, BBoxColumns, db.Model):
    """A resident's idea: a point, line or area with a text, an optional photo and supports.

    Author, visibility, hidden reason and timestamps come from the shared AuthoredContent.
    """

    __tablename__ = "idea"
    __table_args__ = (
        # a consultation's visible ideas, newest first; boxes go through the spatial index
        # (consultations/spatial.py: PostGIS GiST on PostgreSQL, R*Tree on SQLite)
        Index("ix_idea_consultation_visibility", "consultation_id", "visibility", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_category.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(IDEA_TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.RECEIVED.value, index=True)
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    photo_key: Mapped[str | None] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    photo_description: Mapped[str | None] = mapped_column(String(300))

    consultation: Mapped[Consultation] = relationship()
    category: Mapped[Category | None] = relationship()
    responded_by = relationship("User", foreign_keys=[responded_by_id])

    @property
    def status_label(self) -> str:
        return IDEA_STATUS_LABELS[IdeaStatus(self.status)]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def can_view(self, user) -> bool:
        return (
            (self.is_visible and self.consultation.can_view(user)) or self.is_author(user) or _is_staff(user)
        )

    def can_edit(self, user) -> bool:
        """Authors edit while the consultation is open and staff have not answered yet."""
        return (
            self.is_author(user)
            and self.consultation.is_open
            and self.response is None
            and self.responded_at is None
            and self.visibility in (Visibility.VISIBLE.value, Visibility.PENDING.value)
        )

    def can_support(self, user) -> bool:
        return (
            bool(getattr(user, "is_authenticated", False))
            and user.email_confirmed
            and not self.is_author(user)
            and self.is_visible
            and self.consultation.is_open
        )

    def can_answer(self, user) -> bool:
        return _is_staff(user)

    @classmethod
    def visible_in(cls, consultation_id: int):
        return select(cls).where(
            cls.consultation_id == consultation_id, cls.visibility == Visibility.VISIBLE.value
        )


class Support(db.Model):
    """One person supports one idea; counts are derived from these rows, never kept in a counter."""

    __tablename__ = "idea_support"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.STAFF.value,
        Role.ADMIN.value,
    )


class ClusterCell(db.Model):
    """One cell of the cluster pyramid (consultations/clusters.py): how many visible ideas
    have their centre in it and the sum of those centres, for a cluster at their middle."""

    __tablename__ = "idea_cluster_cell"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    x: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    y: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int]
    sum_x: Mapped[float] = mapped_column(Float)
    sum_y: Mapped[float] = mapped_column(Float)


spatial.install(Idea.__table__)
