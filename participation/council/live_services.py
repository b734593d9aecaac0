"""Running a council session live: every action staff (or the chamber's systems, through the
API) take. Each checks what it may, changes the session, writes the audit log and emits
LIVE_CHANGED, which the live broker turns into an update of the public live page.
Services flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core import audit, events
from participation.core.models import utcnow
from participation.council.live_models import (
    TRANSITIONS,
    LiveSession,
    LiveState,
    TickerEntry,
    VoteOutcome,
    VoteResult,
)
from participation.council.models import AgendaItem, Meeting, Organization
from participation.extensions import db

LIVE_CHANGED = "council.live_changed"
SESSION_STARTED = "council.session_started"
EVENTS = {
    LIVE_CHANGED: "a live session changed; subject: (meeting, id); payload: change (state, item, ...)",
    SESSION_STARTED: "a meeting's session began live (once); subject: (meeting, id)",
}

TICKER_MAX = 500


class LiveRuleError(ValueError):
    """The action does not fit the session now; `message` says why (translated), `field`
    names the form field it belongs to, if one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def session_for(meeting: Meeting) -> LiveSession:
    """The meeting's live session, made on first use (scheduled)."""
    found = db.session.scalar(select(LiveSession).where(LiveSession.meeting_id == meeting.id))
    if found is None:
        found = LiveSession(meeting_id=meeting.id, state=LiveState.SCHEDULED.value)
        db.session.add(found)
        db.session.flush()
    return found


def _announce(session: LiveSession, change: str, actor, action: str, *, before=None, after=None) -> None:
    audit.record(
        actor, f"council.live.{action}", "council_meeting", session.meeting_id, before=before, after=after
    )
    events.emit(LIVE_CHANGED, actor=actor, subject=("meeting", session.meeting_id), change=change)


def set_state(session: LiveSession, state: LiveState, actor) -> LiveSession:
    """Start, pause, enter the non-public part, resume or end the session."""
    current = LiveState(session.state)
    if state == current:
        return session  # pressed twice: nothing to do
    if state not in TRANSITIONS[current]:
        raise LiveRuleError(
            _l(
                "The session cannot change from “%(current)s” to “%(state)s”.",
                current=current.value,
                state=state.value,
            ),
            "state",
        )
    now = utcnow()
    if state == LiveState.RUNNING and session.started_at is None:
        session.started_at = now
        events.emit(SESSION_STARTED, actor=actor, subject=("meeting", session.meeting_id))
    if state == LiveState.ENDED:
        session.ended_at = now
        _close_item(session, now)
        session.current_item_id = None
    session.state = state.value
    db.session.flush()
    _announce(session, "state", actor, "state", before={"state": current.value}, after={"state": state.value})
    return session


def _close_item(session: LiveSession, now) -> None:
    if session.current_item is not None and session.current_item.end is None:
        session.current_item.end = now


def set_current_item(session: LiveSession, item: AgendaItem | None, actor) -> LiveSession:
    """Move to the next agenda item: the last one ends now, this one starts now (the first
    time; coming back to an item keeps its first start)."""
    if not session.is_live:
        raise LiveRuleError(_l("Start the session first."), "agenda_item")
    if item is not None and item.meeting_id != session.meeting_id:
        raise LiveRuleError(_l("This agenda item belongs to another meeting."), "agenda_item")
    if item is not None and (item.deleted or not item.public) and session.state != LiveState.NON_PUBLIC:
        raise LiveRuleError(
            _l("Non-public agenda items can only be taken up in the non-public part."), "agenda_item"
        )
    previous = session.current_item_id
    if item is not None and item.id == previous:
        return session
    now = utcnow()
    _close_item(session, now)
    if item is not None:
        if item.start is None:
            item.start = now
        item.end = None
    session.current_item_id = item.id if item is not None else None
    db.session.flush()
    _announce(
        session,
        "item",
        actor,
        "current_item",
        before={"agenda_item": previous},
        after={"agenda_item": session.current_item_id},
    )
    return session


def post_ticker(session: LiveSession, text: str, actor, *, item: AgendaItem | None = None) -> TickerEntry:
    text = " ".join((text or "").split())
    if not text:
        raise LiveRuleError(_l("Write something for the ticker."), "text")
    if len(text) > TICKER_MAX:
        raise LiveRuleError(_l("A ticker entry has at most %(max)s characters.", max=TICKER_MAX), "text")
    if session.state in (LiveState.SCHEDULED, LiveState.ENDED):
        raise LiveRuleError(_l("The ticker runs only while the session does."), "text")
    if item is not None and item.meeting_id != session.meeting_id:
        raise LiveRuleError(_l("This agenda item belongs to another meeting."), "agenda_item")
    if item is not None and not item.public:
        raise LiveRuleError(_l("The ticker says nothing about non-public agenda items."), "agenda_item")
    entry = TickerEntry(
        session_id=session.id,
        agenda_item_id=item.id if item else None,
        text=text,
        author_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    _announce(session, "ticker", actor, "ticker", after={"ticker_entry": entry.id, "text": text})
    return entry


@dataclass(frozen=True)
class GroupVote:
    organization_id: int
    yes: int
    no: int
    abstention: int


def record_vote(
    session: LiveSession,
    item: AgendaItem,
    actor,
    *,
    yes: int,
    no: int,
    abstention: int,
    outcome: VoteOutcome,
    by_group: list[GroupVote] = (),
) -> VoteResult:
    """The result of the vote on `item`; again for the same item, the new figures replace
    the old ones (the audit log keeps both)."""
    if item.meeting_id != session.meeting_id:
        raise LiveRuleError(_l("This agenda item belongs to another meeting."), "agenda_item")
    if not item.public:
        raise LiveRuleError(_l("Votes on non-public agenda items are not published."), "agenda_item")
    if session.state == LiveState.SCHEDULED:
        raise LiveRuleError(_l("Start the session first."), "agenda_item")
    for figure in (yes, no, abstention, *(n for g in by_group for n in (g.yes, g.no, g.abstention))):
        if figure < 0:
            raise LiveRuleError(_l("Votes cannot be negative."), "yes")
    if by_group:
        groups = {
            org.id
            for org in db.session.scalars(
                select(Organization).where(Organization.id.in_([g.organization_id for g in by_group]))
            )
        }
        if len(groups) != len(by_group) or len({g.organization_id for g in by_group}) != len(by_group):
            raise LiveRuleError(
                _l("Each group may appear once, and only groups of this council."), "by_group"
            )
        totals = tuple(sum(getattr(g, part) for g in by_group) for part in ("yes", "no", "abstention"))
        if totals != (yes, no, abstention):
            raise LiveRuleError(_l("The groups' votes do not add up to the totals."), "by_group")
    result = db.session.scalar(select(VoteResult).where(VoteResult.agenda_item_id == item.id))
    before = None
    if result is None:
        result = VoteResult(agenda_item_id=item.id)
        db.session.add(result)
    else:
        before = {
            "yes": result.yes,
            "no": result.no,
            "abstention": result.abstention,
            "outcome": result.outcome,
        }
    result.yes, result.no, result.abstention, result.outcome = yes, no, abstention, VoteOutcome(outcome).value
    result.by_group = [
        {"organization_id": g.organization_id, "yes": g.yes, "no": g.no, "abstention": g.abstention}
        for g in by_group
    ]
    result.recorded_by_id = getattr(actor, "id", None)
    item.result = result.outcome  # the OParl field the meeting page and the API show
    db.session.flush()
    _announce(
        session,
        "vote",
        actor,
        "vote",
        before=before,
        after={
            "agenda_item": item.id,
            "yes": yes,
            "no": no,
            "abstention": abstention,
            "outcome": result.outcome,
        },
    )
    return result


def set_media(
    session: LiveSession, actor, *, stream_url: str | None, recording_url: str | None
) -> LiveSession:
    """The HLS stream (before and during the session) and the recording (after it)."""
    before = {"stream_url": session.stream_url, "recording_url": session.recording_url}
    session.stream_url = (stream_url or "").strip() or None
    session.recording_url = (recording_url or "").strip() or None
    db.session.flush()
    _announce(
        session,
        "state",
        actor,
        "media",
        before=before,
        after={"stream_url": session.stream_url, "recording_url": session.recording_url},
    )
    return session


def jump_marks(session: LiveSession) -> list[tuple[AgendaItem, int]]:
    """(agenda item, seconds into the recording) for each public item taken up, in order."""
    if session.started_at is None:
        return []
    items = [
        item
        for item in session.meeting.agenda_items
        if item.public and not item.deleted and item.start is not None
    ]
    items.sort(key=lambda item: item.start)
    return [(item, max(0, int((item.start - session.started_at).total_seconds()))) for item in items]
