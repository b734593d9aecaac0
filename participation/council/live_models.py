"""A council session run live: its state, the current agenda item, the ticker and the votes.

The live state sits on its own row per meeting (`LiveSession`) rather than on the OParl
Meeting: it is ours, not the standard's, and an import that updates a meeting from the
city's council information system must never touch a session being run. The actual start
and end of each agenda item go to the OParl fields `AgendaItem.start` / `end`, where the
standard keeps them, and the recording's jump marks are computed from them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.models import utcnow
from participation.council.models import AgendaItem, Meeting
from participation.extensions import db


class LiveState(StrEnum):
    SCHEDULED = "scheduled"  # not started
    RUNNING = "running"  # public part, in session
    BREAK = "break"  # a pause: the stream and ticker say so
    NON_PUBLIC = "non_public"  # the non-public part: no stream, nothing said about it
    ENDED = "ended"


LIVE_STATE_LABELS = {
    LiveState.SCHEDULED: _l("Not started yet"),
    LiveState.RUNNING: _l("Live now"),
    LiveState.BREAK: _l("Break"),
    LiveState.NON_PUBLIC: _l("Non-public part"),
    LiveState.ENDED: _l("Session ended"),
}

# What staff may switch to from each state (start, break, non-public part, end).
TRANSITIONS = {
    LiveState.SCHEDULED: {LiveState.RUNNING},
    LiveState.RUNNING: {LiveState.BREAK, LiveState.NON_PUBLIC, LiveState.ENDED},
    LiveState.BREAK: {LiveState.RUNNING, LiveState.NON_PUBLIC, LiveState.ENDED},
    LiveState.NON_PUBLIC: {LiveState.RUNNING, LiveState.BREAK, LiveState.ENDED},
    LiveState.ENDED: set(),
}


class VoteOutcome(StrEnum):
    ADOPTED = "angenommen"
    REJECTED = "abgelehnt"
    POSTPONED = "vertagt"
    REFERRED = "verwiesen"


VOTE_OUTCOME_LABELS = {
    VoteOutcome.ADOPTED: _l("Adopted"),
    VoteOutcome.REJECTED: _l("Rejected"),
    VoteOutcome.POSTPONED: _l("Postponed"),
    VoteOutcome.REFERRED: _l("Referred"),
}


class LiveSession(db.Model):
    __tablename__ = "council_live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=LiveState.SCHEDULED.value)
    stream_url: Mapped[str | None] = mapped_column(String(1000))  # HLS (.m3u8), configured per meeting
    recording_url: Mapped[str | None] = mapped_column(String(1000))  # after the session
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_item.id"))
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    current_item: Mapped[AgendaItem | None] = relationship()
    ticker: Mapped[list[TickerEntry]] = relationship(
        back_populates="session", order_by="TickerEntry.id.desc()", cascade="all, delete-orphan"
    )

    @property
    def is_live(self) -> bool:
        return self.state in (LiveState.RUNNING, LiveState.BREAK, LiveState.NON_PUBLIC)


class TickerEntry(db.Model):
    __tablename__ = "council_ticker_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_live_session.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_item.id"))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    session: Mapped[LiveSession] = relationship(back_populates="ticker")
    agenda_item: Mapped[AgendaItem | None] = relationship()


class VoteResult(db.Model):
    """The vote on one agenda item: totals, optionally per parliamentary group, and the outcome.
    Recorded again (a recount), it replaces the earlier figures; the audit log keeps both."""

    __tablename__ = "council_vote_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda_item.id"), unique=True)
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
    abstention: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(20))
    # [{"organization_id": 3, "yes": 10, "no": 0, "abstention": 1}, ...]
    by_group: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    agenda_item: Mapped[AgendaItem] = relationship()
