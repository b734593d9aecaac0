"""What the OParl importer remembers between runs: per imported body, where it came from and
up to when it is in sync, so the next run asks the source only for what changed since
(`modified_since`, spec 2.5 "Aktualisierungsmechanismus")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.models import utcnow
from participation.extensions import db


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
