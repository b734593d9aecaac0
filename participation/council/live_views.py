"""A council session live in the browser: the public live page with its fragment for live
updates, and the staff console that runs the session.

The console's forms work as plain forms (POST, then back to the console with the news
flashed) and, with htmx, swap the console's partial `_console.html` (the news read out in
the layout's status region, focus kept by static/js/htmx-sections.js). A refused action
writes nothing: the transaction is rolled back and the form comes back filled in, with
the reason at its field (422 for a plain form; 200 for htmx, which swaps only 2xx answers).

The live page shows `_live_state.html`, cached per meeting and language (live_page.py);
static/js/live.js follows `meeting:<id>` and fetches the fragment again on each change.
"""

from __future__ import annotations

from flask import Flask, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from participation.core import events, fragments
from participation.core.errors import rerenders_on_csrf_error
from participation.core.inputs import parse_int
from participation.core.security import origin_of
from participation.council import display, live_page, loading
from participation.council import live_services as live
from participation.council.blueprint import bp
from participation.council.live_forms import (
    CurrentItemForm,
    MediaForm,
    StateForm,
    TickerForm,
    VoteForm,
)
from participation.council.live_models import (
    LIVE_STATE_LABELS,
    TRANSITIONS,
    VOTE_OUTCOME_LABELS,
    LiveSession,
    LiveState,
    VoteResult,
)
from participation.council.models import AgendaItem, Meeting, Organization
from participation.extensions import db, htmx
from participation.live import live_cursor

GROUP_TYPE = "Fraktion"  # OParl organizationType of a parliamentary group
CONSOLE_TICKER = 10  # the latest entries the console lists


def register(app: Flask) -> None:
    """Template helpers, and what a change must forget (called by live_setup.register before
    the live broker subscribes: the cached state is gone when the pages hear of the change)."""
    events.subscribe(live.LIVE_CHANGED, live_page.forget_on_change)
    events.subscribe(live.LIVE_CHANGED, _forget_home_card)
    app.add_template_global(live_page.session_of, "live_session_of")
    app.add_template_global(running_sessions, "running_council_sessions")
    app.add_template_global(recording_marks, "council_recording_marks")
    app.add_template_global(live_page.media_kind, "council_media_kind")
    app.add_template_global(live_page.item_title, "council_item_title")
    app.add_template_global(LIVE_STATE_LABELS, "council_live_state_labels")
    app.add_template_global(VOTE_OUTCOME_LABELS, "council_vote_outcome_labels")
    app.add_template_global(live_offered, "council_live_offered")
    app.add_template_filter(media_origin, "media_origin")


def _forget_home_card(event: events.Event) -> None:
    """The home page's council card says "live now": only a change of state changes it."""
    if event.get("change") == "state":
        fragments.forget_now(fragments.HOME_OVERVIEW)


def running_sessions() -> list[Meeting]:
    """The meetings whose session runs now (a break and the non-public part included)."""
    live_states = [LiveState.RUNNING.value, LiveState.BREAK.value, LiveState.NON_PUBLIC.value]
    return list(
        db.session.scalars(
            select(Meeting)
            .join(LiveSession, LiveSession.meeting_id == Meeting.id)
            .where(LiveSession.state.in_(live_states), Meeting.deleted.is_(False))
            .order_by(Meeting.start, Meeting.id)
        )
    )


def live_offered(meeting: Meeting, session: LiveSession | None) -> bool:
    """Whether the meeting page links to a live page: the session began, or the meeting is
    still to come today or later (people open the page before it starts)."""
    if session is not None and session.state != LiveState.SCHEDULED.value:
        return True
    if meeting.cancelled or meeting.start is None:
        return False
    return display.local_date(meeting.start) >= display.today()


def media_origin(url: str | None) -> str:
    """The origin live-video.js compares with the page's CSP ("self" for this site)."""
    return origin_of(url) or "self"


def recording_marks(session: LiveSession | None) -> list[tuple[AgendaItem, int]]:
    """The recording's jump marks (agenda item, seconds), once there is a recording."""
    if session is None or not session.recording_url:
        return []
    return live.jump_marks(session)


def _meeting(meeting_id: int) -> Meeting:
    return loading.shown_or_gone(
        select(Meeting).where(Meeting.id == meeting_id).options(selectinload(Meeting.agenda_items))
    )


# --- the public live page --------------------------------------------------------------------


@bp.get("/rat/sitzungen/<int:meeting_id>/live")
def live_session(meeting_id: int):
    meeting = _meeting(meeting_id)
    cursor = live_cursor()  # before the state: a change in between is sent again, never lost
    session = live_page.session_of(meeting.id)
    html, etag = live_page.rendered_state(meeting)
    media = []
    if session is not None:
        if session.state != LiveState.NON_PUBLIC.value:
            media.append(session.stream_url)
        media.append(session.recording_url)
    response = make_response(
        render_template(
            "council/live.html",
            meeting=meeting,
            session=session,
            state_html=Markup(html),  # noqa: S704 - our own template's output (live_page.rendered_state)
            cursor=cursor,
            etag=etag,
            media_urls=[url for url in media if url],
            media_origins=" ".join(sorted({media_origin(url) for url in media if url})),
        )
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/rat/sitzungen/<int:meeting_id>/live/stand")
def live_state_fragment(meeting_id: int):
    """The page's changing part alone, for live updates and polling: 304 when unchanged."""
    meeting = loading.shown_or_gone(select(Meeting).where(Meeting.id == meeting_id))
    html, etag = live_page.rendered_state(meeting)
    unchanged = request.if_none_match.contains(etag)
    response = make_response("", 304) if unchanged else make_response(html)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))  # the words around the figures are translated
    return response


# --- the staff console -----------------------------------------------------------------------


def _groups(meeting: Meeting) -> list[Organization]:
    """The parliamentary groups of the meeting's council that have not ended."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(
                Organization.body_id == meeting.body_id,
                Organization.organization_type == GROUP_TYPE,
                Organization.deleted.is_(False),
                or_(Organization.end_date.is_(None), Organization.end_date >= display.today()),
            )
            .order_by(Organization.name, Organization.id)
        )
    )


def _items(meeting: Meeting) -> list[AgendaItem]:
    return [item for item in meeting.agenda_items if not item.deleted]


def _item_choices(form_field, items: list[AgendaItem], *, empty: str | None = None) -> None:
    pairs = [("", empty)] if empty is not None else []
    pairs += [(str(item.id), live_page.item_title(item)) for item in items if item.public]
    form_field.choices = pairs


def _vote_form(
    meeting: Meeting, session: LiveSession | None, groups: list[Organization], formdata=True
) -> VoteForm:
    current = session.current_item if session else None
    data = {
        "agenda_item": str(current.id) if current is not None and current.public else "",
        "groups": [{"organization_id": str(group.id)} for group in groups],
    }
    form = (
        VoteForm(prefix="vote", data=data) if formdata else VoteForm(prefix="vote", formdata=None, data=data)
    )
    _item_choices(form.agenda_item, _items(meeting))
    names = {str(group.id): group.short_name or group.name or str(group.id) for group in groups}
    for entry in form.groups:
        name = names.get(entry.form.organization_id.data or "", "?")
        entry.form.group_name = name
        entry.form.yes.label.text = _("Yes (%(group)s)", group=name)
        entry.form.no.label.text = _("No (%(group)s)", group=name)
        entry.form.abstention.label.text = _("Abstentions (%(group)s)", group=name)
    return form


def _ticker_form(meeting: Meeting, session: LiveSession | None, formdata=True) -> TickerForm:
    current = session.current_item if session else None
    data = {"agenda_item": str(current.id) if current is not None and current.public else ""}
    form = (
        TickerForm(prefix="ticker", data=data)
        if formdata
        else TickerForm(prefix="ticker", formdata=None, data=data)
    )
    _item_choices(form.agenda_item, _items(meeting), empty=_("No particular item"))
    return form


def _console_context(meeting: Meeting, **forms) -> dict:
    session = live_page.session_of(meeting.id)
    shown = session or LiveSession(meeting_id=meeting.id, state=LiveState.SCHEDULED.value)  # not stored
    groups = _groups(meeting)
    items = _items(meeting)
    votes = {}
    if session is not None:
        votes = {
            result.agenda_item_id: result
            for result in db.session.scalars(
                select(VoteResult).where(VoteResult.agenda_item_id.in_([item.id for item in items]))
            )
        }
    state = LiveState(shown.state)
    if "state_form" not in forms:
        forms["state_form"] = StateForm(prefix="session", formdata=None)
    if "item_form" not in forms:
        forms["item_form"] = CurrentItemForm(prefix="item", formdata=None)
    if "ticker_form" not in forms:
        forms["ticker_form"] = _ticker_form(meeting, session, formdata=False)
    if "vote_form" not in forms:
        forms["vote_form"] = _vote_form(meeting, session, groups, formdata=False)
    if "media_form" not in forms:
        forms["media_form"] = MediaForm(
            prefix="media",
            formdata=None,
            data={"stream_url": shown.stream_url or "", "recording_url": shown.recording_url or ""},
        )
    return {
        "meeting": meeting,
        "session": shown,
        "state": state,
        "next_states": [s for s in LiveState if s in TRANSITIONS[state]],
        "items": items,
        "votes": votes,
        "group_names": {group.id: group.short_name or group.name for group in groups},
        "ticker": list(shown.ticker[:CONSOLE_TICKER]) if session is not None else [],
        **forms,
    }


def _console(meeting: Meeting, *, status: int = 200, announcement: str | None = None, **forms):
    """The console page, or its partial for htmx (always 200 there: htmx swaps only 2xx)."""
    template = "council/_console.html" if htmx else "council/console.html"
    context = _console_context(meeting, **forms)
    response = make_response(
        render_template(template, announcement=announcement, failed=status >= 400, **context),
        200 if htmx else status,
    )
    response.vary.add("HX-Request")
    return response


def _done(meeting: Meeting, message: str, anchor: str):
    """After a successful action: the console again with the news."""
    if htmx:
        return _console(meeting, announcement=message)
    flash(message, "success")
    response = redirect(url_for("council.live_console", meeting_id=meeting.id, _anchor=anchor))
    response.vary.add("HX-Request")
    return response


def _refused(meeting: Meeting, form, refused: live.LiveRuleError, fallback, form_name: str, **more):
    """Nothing is written; the form comes back with the reason at the field it concerns."""
    db.session.rollback()
    target = more.pop("target", None) or getattr(form, refused.field or "", None) or fallback
    target.errors = [*list(target.errors or ()), str(refused.message)]
    return _console(meeting, status=422, **{form_name: form})


@bp.get("/rat/sitzungen/<int:meeting_id>/live/steuerung")
def live_console(meeting_id: int):
    return _console(_meeting(meeting_id))


def _state_news(before: LiveState, after: LiveState) -> str:
    if after == LiveState.RUNNING:
        return _("The session has started.") if before == LiveState.SCHEDULED else _("The session continues.")
    return {
        LiveState.BREAK: _("The session is on a break."),
        LiveState.NON_PUBLIC: _("The non-public part has begun."),
        LiveState.ENDED: _("The session has ended."),
    }.get(after, "")


@bp.post("/rat/sitzungen/<int:meeting_id>/live/steuerung/zustand")
@rerenders_on_csrf_error
def live_console_state(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = StateForm(prefix="session")
    if not form.validate_on_submit():
        return _console(meeting, status=422, state_form=form)
    session = live.session_for(meeting)
    before, after = LiveState(session.state), LiveState(form.state.data)
    try:
        live.set_state(session, after, current_user)
    except live.LiveRuleError as refused:
        return _refused(meeting, form, refused, form.state, "state_form")
    db.session.commit()
    return _done(meeting, _state_news(before, after), "console-state")


@bp.post("/rat/sitzungen/<int:meeting_id>/live/steuerung/tagesordnungspunkt")
@rerenders_on_csrf_error
def live_console_item(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = CurrentItemForm(prefix="item")
    if not form.validate_on_submit():
        return _console(meeting, status=422, item_form=form)
    wanted = form.agenda_item.data or ""
    item = None
    if wanted:
        item = next((i for i in _items(meeting) if str(i.id) == wanted and parse_int(wanted)), None)
        if item is None:
            form.agenda_item.errors = [_("This meeting has no such agenda item.")]
            return _console(meeting, status=422, item_form=form)
    session = live.session_for(meeting)
    try:
        live.set_current_item(session, item, current_user)
    except live.LiveRuleError as refused:
        return _refused(meeting, form, refused, form.agenda_item, "item_form")
    db.session.commit()
    if item is None:
        message = _("No agenda item is under discussion now.")
    else:
        message = _("Now under discussion: %(item)s", item=live_page.item_title(item))
    return _done(meeting, message, "console-items")


def _public_item(meeting: Meeting, value: str | None) -> AgendaItem | None:
    wanted = parse_int(value or "")
    return next((item for item in _items(meeting) if item.id == wanted), None) if wanted else None


@bp.post("/rat/sitzungen/<int:meeting_id>/live/steuerung/ticker")
@rerenders_on_csrf_error
def live_console_ticker(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = _ticker_form(meeting, live_page.session_of(meeting.id))
    if not form.validate_on_submit():
        return _console(meeting, status=422, ticker_form=form)
    item = _public_item(meeting, form.agenda_item.data)
    if form.agenda_item.data and item is None:
        form.agenda_item.errors = [_("This meeting has no such agenda item.")]
        return _console(meeting, status=422, ticker_form=form)
    session = live.session_for(meeting)
    try:
        live.post_ticker(session, form.text.data, current_user, item=item)
    except live.LiveRuleError as refused:
        return _refused(meeting, form, refused, form.text, "ticker_form")
    db.session.commit()
    return _done(meeting, _("The ticker entry is published."), "console-ticker")


@bp.post("/rat/sitzungen/<int:meeting_id>/live/steuerung/abstimmung")
@rerenders_on_csrf_error
def live_console_vote(meeting_id: int):
    meeting = _meeting(meeting_id)
    session = live_page.session_of(meeting.id)
    groups = _groups(meeting)
    form = _vote_form(meeting, session, groups)
    if not form.validate_on_submit():
        return _console(meeting, status=422, vote_form=form)
    item = _public_item(meeting, form.agenda_item.data)
    if item is None:
        form.agenda_item.errors = [_("Choose the agenda item that was voted on.")]
        return _console(meeting, status=422, vote_form=form)
    known = {group.id for group in groups}
    by_group, first_group = [], None
    for entry in form.groups:
        if not entry.form.filled:
            continue
        group_id = parse_int(entry.form.organization_id.data or "")
        if group_id not in known:
            entry.form.yes.errors = [_("This group is not one of the council's groups.")]
            return _console(meeting, status=422, vote_form=form)
        first_group = first_group or entry.form
        by_group.append(
            live.GroupVote(
                group_id, entry.form.yes.data or 0, entry.form.no.data or 0, entry.form.abstention.data or 0
            )
        )
    session = live.session_for(meeting)
    try:
        live.record_vote(
            session,
            item,
            current_user,
            yes=form.yes.data,
            no=form.no.data,
            abstention=form.abstention.data,
            outcome=form.outcome.data,
            by_group=by_group,
        )
    except live.LiveRuleError as refused:
        target = first_group.yes if refused.field == "by_group" and first_group is not None else None
        return _refused(meeting, form, refused, form.yes, "vote_form", target=target)
    db.session.commit()
    return _done(
        meeting, _("The vote on %(item)s is recorded.", item=live_page.item_title(item)), "console-votes"
    )


@bp.post("/rat/sitzungen/<int:meeting_id>/live/steuerung/medien")
@rerenders_on_csrf_error
def live_console_media(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = MediaForm(prefix="media")
    if not form.validate_on_submit():
        return _console(meeting, status=422, media_form=form)
    session = live.session_for(meeting)
    live.set_media(
        session, current_user, stream_url=form.stream_url.data, recording_url=form.recording_url.data
    )
    db.session.commit()
    return _done(meeting, _("The addresses of the stream and the recording are saved."), "console-media")
