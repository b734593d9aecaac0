"""What the public live page shows of a session (`public_view`), and its changing part, the
fragment `_live_state.html`, rendered once per change and language (`rendered_state`).

The fragment is the same for everyone who reads it in one language: it is kept in the app's
cache with its ETag, so the live updates of a full council chamber's audience, and every poll
that finds nothing new, cost a look-up and no query. A change (LIVE_CHANGED, after its
commit and before the live broker tells the pages) moves the meeting's generation on, and
with it the key: a rendering that read the old state while the change committed is stored
under the old generation and never served again. Without a shared cache (the embedded
setup, one process) the entries of other processes still expire after CACHE_SECONDS.

Non-public agenda items never reach the page: not as the current item, not on the agenda,
not in the ticker or the votes (the services refuse ticker entries and votes about them;
the reads here leave them out all the same).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from participation.core import events
from participation.core.locale import current_locale
from participation.council import live_services
from participation.council.live_models import LiveSession, LiveState, TickerEntry, VoteResult
from participation.council.models import AgendaItem, Meeting, Organization
from participation.extensions import cache, db

CACHE_SECONDS = 15
TICKER_SHOWN = 50
HLS, FILE = "hls", "file"


@dataclass(frozen=True)
class GroupRow:
    name: str
    yes: int
    no: int
    abstention: int


@dataclass(frozen=True)
class VoteRow:
    item: AgendaItem
    result: VoteResult
    groups: list[GroupRow] = field(default_factory=list)


@dataclass(frozen=True)
class PublicView:
    meeting: Meeting
    session: LiveSession | None  # None until staff or the API first touch it
    state: LiveState
    agenda: list[AgendaItem]
    current: AgendaItem | None
    ticker: list[TickerEntry]
    votes: list[VoteRow]
    stream_url: str | None  # never in the non-public part
    jump_marks: list[tuple[AgendaItem, int]]

    @property
    def votes_by_item(self) -> dict[int, VoteRow]:
        return {row.item.id: row for row in self.votes}

    @property
    def playing(self) -> bool:
        """Whether the page offers the live stream now: not in a break, the non-public part, or after."""
        return self.stream_url is not None and self.state in (LiveState.SCHEDULED, LiveState.RUNNING)


def session_of(meeting_id: int) -> LiveSession | None:
    """The meeting's session if there is one; reading never makes one."""
    return db.session.scalar(select(LiveSession).where(LiveSession.meeting_id == meeting_id))


def media_kind(url: str | None) -> str | None:
    """HLS (a .m3u8 playlist), FILE (a video file a <video> plays itself), or None (a page elsewhere)."""
    if not url:
        return None
    path = urlsplit(url).path.lower()
    if path.endswith(".m3u8"):
        return HLS
    if path.endswith((".mp4", ".m4v", ".webm", ".mov")):
        return FILE
    return None


def public_items(meeting: Meeting) -> list[AgendaItem]:
    return [item for item in meeting.agenda_items if item.public and not item.deleted]


def vote_rows(meeting_id: int, items: dict[int, AgendaItem]) -> list[VoteRow]:
    """The votes on the meeting's public items in agenda order, with the groups' names."""
    results = [
        result
        for result in db.session.scalars(
            select(VoteResult)
            .join(AgendaItem, VoteResult.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting_id)
        )
        if result.agenda_item_id in items
    ]
    group_ids = {entry["organization_id"] for result in results for entry in result.by_group or ()}
    names = {}
    if group_ids:
        names = {
            org.id: org.short_name or org.name or str(org.id)
            for org in db.session.scalars(select(Organization).where(Organization.id.in_(group_ids)))
        }
    rows = [
        VoteRow(
            items[result.agenda_item_id],
            result,
            [
                GroupRow(
                    names.get(entry["organization_id"], "?"), entry["yes"], entry["no"], entry["abstention"]
                )
                for entry in result.by_group or ()
            ],
        )
        for result in results
    ]
    order = {item_id: position for position, item_id in enumerate(items)}
    return sorted(rows, key=lambda row: order[row.item.id])


def public_view(meeting: Meeting) -> PublicView:
    session = session_of(meeting.id)
    agenda = public_items(meeting)
    by_id = {item.id: item for item in agenda}
    state = LiveState(session.state) if session else LiveState.SCHEDULED
    ticker: list[TickerEntry] = []
    marks: list[tuple[AgendaItem, int]] = []
    if session is not None:
        ticker = [
            entry
            for entry in db.session.scalars(
                select(TickerEntry)
                .where(TickerEntry.session_id == session.id)
                .order_by(TickerEntry.id.desc())
                .limit(TICKER_SHOWN)
            )
            if entry.agenda_item_id is None or entry.agenda_item_id in by_id
        ]
        marks = live_services.jump_marks(session) if session.recording_url else []
    current = by_id.get(session.current_item_id) if session and session.current_item_id else None
    stream = session.stream_url if session and state != LiveState.NON_PUBLIC else None
    return PublicView(
        meeting=meeting,
        session=session,
        state=state,
        agenda=agenda,
        current=current,
        ticker=ticker,
        votes=vote_rows(meeting.id, by_id),
        stream_url=stream,
        jump_marks=marks,
    )


# --- the cached fragment ---------------------------------------------------------------------


def _generation_key(meeting_id: int) -> str:
    return f"live-state:{meeting_id}:generation"


def rendered_state(meeting: Meeting) -> tuple[str, str]:
    """(the fragment's HTML, its ETag) in the current language."""
    generation = cache.get(_generation_key(meeting.id)) or "0"  # before reading the state
    key = f"live-state:{meeting.id}:{generation}:{current_locale()}"
    found = cache.get(key)
    if found is not None:
        return found
    html = render_template("council/_live_state.html", live=public_view(meeting))
    etag = "live-" + hashlib.sha256(html.encode()).hexdigest()[:24]
    cache.set(key, (html, etag), timeout=CACHE_SECONDS)
    return html, etag


def forget(meeting_id: int) -> None:
    cache.set(_generation_key(meeting_id), secrets.token_hex(6), timeout=0)


def forget_on_change(event: events.Event) -> None:
    """Subscriber of LIVE_CHANGED; subscribed before the broker's, so a page that fetches on
    the news finds the new state."""
    if event.subject_id is not None:
        forget(event.subject_id)


def item_title(item: AgendaItem | None) -> str:
    """ "Item 5.1: Cycle lanes …", as the pages and announcements name an agenda item."""
    if item is None:
        return ""
    name = item.name or _("Untitled item")
    return _("Item %(number)s: %(name)s", number=item.number, name=name) if item.number else name
