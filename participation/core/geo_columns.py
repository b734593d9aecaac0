"""A mixin for models that carry a GeoJSON geometry with an indexed bounding box."""

from __future__ import annotations

from sqlalchemy import JSON, Float
from sqlalchemy.orm import Mapped, mapped_column

from participation.core import geo


class BBoxColumns:
    """A GeoJSON geometry and its bounding box; the box columns carry the index."""

    geometry: Mapped[dict | None] = mapped_column(JSON)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)

    def set_geometry(self, geometry: dict | None) -> None:
        self.geometry = geometry
        box = geo.bbox(geometry) if geometry else None
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = box.as_list() if box else [None] * 4

    @property
    def bounds(self) -> geo.BBox | None:
        if self.min_lon is None:
            return None
        return geo.BBox(self.min_lon, self.min_lat, self.max_lon, self.max_lat)
