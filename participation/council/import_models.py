"""What the OParl importer remembers between runs: per imported body, where it came from and
up to when it is in sync, so the next run asks the source only for what changed since
(`modified_since`, spec 2.5 "Aktualisierungsmechanismus"); and the runs staff started from
the staff pages, with what each did."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.models import utcnow
from participation.extensions import db

# A run still "queued" or "running" after this long died with the process that ran it.
RUN_GIVEN_UP_AFTER = dt.timedelta(hours=12)


class CouncilImportState(db.Model):
    """One row per body imported from an OParl server.

    `synced_at` is the start of the last run that walked every list of the body without a
    failed page: everything the source changed before it is here. A run that could not fetch
    a page leaves it where it was, so the next run asks again for the same period.
    """

    __tablename__ = "council_import_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id", ondelete="CASCADE"), unique=True)
    source: Mapped[str] = mapped_column(String(1000))  # the URL or directory the run started from
    synced_at: Mapped[dt.datetime | None]
    last_run_at: Mapped[dt.datetime | None]
    last_run_complete: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CouncilImportRun(db.Model):
    """One import staff started on the staff pages (staff_services.request_import), run by a
    background job: queued, running, then done or failed, with what the run's Report counted.
    Imports from the command line leave no row here; both kinds move CouncilImportState."""

    __tablename__ = "council_import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1000))  # the URL of the OParl System
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    objects: Mapped[dict] = mapped_column(JSON, default=dict)  # OParl type -> {outcome: count}
    warnings: Mapped[dict] = mapped_column(JSON, default=dict)  # kind -> {"count": n, "examples": [...]}
    skipped: Mapped[int] = mapped_column(default=0)  # objects left out as malformed
    failed_lists: Mapped[list] = mapped_column(JSON, default=list)  # pages lost: the next run asks again
    bodies: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "complete", "since"}]
    message: Mapped[str | None] = mapped_column(Text)  # why it failed

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")

    @property
    def under_way(self) -> bool:
        """Waiting or running, and not so long that its worker must have died."""
        return self.state in ("queued", "running") and utcnow() - self.requested_at < RUN_GIVEN_UP_AFTER
