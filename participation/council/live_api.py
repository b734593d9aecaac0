"""The live session for machines: the chamber's voting and A/V systems set the current item,
post to the ticker, record votes and change the state, with a personal API token of a staff
member (Access.STAFF_TOKEN: the token, never the session cookie, so no CSRF token is needed
or accepted as proof). Everyone reads the session's state as JSON.

Bodies are JSON objects; a wrong one answers 422 problem+json with `errors` by field, and
writes nothing. Agenda items are named by `agenda_item_id` (ours) or `number` (as printed on
the agenda, what the chamber's systems know).
"""

from __future__ import annotations

from flask import Flask, abort, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from participation.core.openapi import register as register_openapi
from participation.core.urls import external_url
from participation.council import live_services as live
from participation.council.blueprint import api_bp as bp
from participation.council.live_models import LiveSession, LiveState, VoteOutcome, VoteResult
from participation.council.models import AgendaItem, Meeting
from participation.extensions import csrf, db

MAX_VOTES = 10_000  # no council has more members; bounds what a client may send


class BadBody(ValueError):
    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _problem(status: int, errors: dict[str, str]):
    response = jsonify(
        type="about:blank",
        title="Unprocessable Content",
        status=status,
        detail=_("The request was not accepted; nothing was changed."),
        errors=errors,
    )
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted:
        abort(404)
    return meeting


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadBody("body", _("Send a JSON object."))
    return body


def _count(body: dict, name: str, *, required: bool = True) -> int:
    value = body.get(name)
    if value is None and not required:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_VOTES:
        raise BadBody(name, _("A whole number from 0 to %(max)s.", max=MAX_VOTES))
    return value


def _item(meeting: Meeting, body: dict, *, required: bool) -> AgendaItem | None:
    item_id, number = body.get("agenda_item_id"), body.get("number")
    if item_id is None and number is None:
        if required:
            raise BadBody("agenda_item_id", _("Name the agenda item (agenda_item_id or number)."))
        return None
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.deleted.is_(False))
    if item_id is not None:
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            raise BadBody("agenda_item_id", _("An agenda item's id, a whole number."))
        query = query.where(AgendaItem.id == item_id)
    else:
        if not isinstance(number, str) or len(number) > 50:
            raise BadBody("number", _("The agenda item's number as text, as on the agenda."))
        query = query.where(AgendaItem.number == number.strip())
    item = db.session.scalars(query.limit(2)).all()
    if len(item) != 1:
        raise BadBody(
            "agenda_item_id" if item_id is not None else "number", _("This meeting has no such agenda item.")
        )
    return item[0]


def state_document(session: LiveSession) -> dict:
    """What the public live page shows, as JSON: nothing about non-public items."""
    current = session.current_item
    if current is not None and (not current.public or current.deleted):
        current = None
    results = db.session.scalars(
        select(VoteResult)
        .join(AgendaItem, VoteResult.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == session.meeting_id, AgendaItem.public.is_(True))
        .order_by(AgendaItem.order, AgendaItem.id)
    ).all()
    return {
        "meeting_id": session.meeting_id,
        "state": session.state,
        "started_at": _time(session.started_at),
        "ended_at": _time(session.ended_at),
        "current_item": _item_document(current) if current else None,
        "stream_url": session.stream_url if session.state != LiveState.NON_PUBLIC else None,
        "recording_url": session.recording_url,
        "ticker": [
            {
                "id": entry.id,
                "text": entry.text,
                "agenda_item_id": entry.agenda_item_id,
                "created_at": _time(entry.created_at),
            }
            for entry in session.ticker[:50]
        ],
        "votes": [
            {
                "agenda_item_id": result.agenda_item_id,
                "yes": result.yes,
                "no": result.no,
                "abstention": result.abstention,
                "outcome": result.outcome,
                "by_group": result.by_group,
            }
            for result in results
        ],
        # once there is a recording: where in it each public item begins
        "jump_marks": [
            {"agenda_item_id": item.id, "number": item.number, "seconds": seconds}
            for item, seconds in (live.jump_marks(session) if session.recording_url else [])
        ],
        "url": external_url("council_api.live_state", meeting_id=session.meeting_id),
    }


def _item_document(item: AgendaItem) -> dict:
    return {"id": item.id, "number": item.number, "name": item.name, "start": _time(item.start)}


def _time(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _act(meeting_id: int, action):
    """Run one write for the token's owner; one commit, or none and a 422."""
    meeting = _meeting(meeting_id)
    session = live.session_for(meeting)
    try:
        action(meeting, session, _body(), g.api_user)
    except BadBody as bad:
        db.session.rollback()
        return _problem(422, {bad.field: str(bad.message)})
    except live.LiveRuleError as refused:
        db.session.rollback()
        return _problem(422, {refused.field or "body": str(refused.message)})
    db.session.commit()
    return jsonify(state_document(session))


@bp.get("/meetings/<int:meeting_id>/live")
def live_state(meeting_id: int):
    response = jsonify(state_document(live.session_for(_meeting(meeting_id))))
    db.session.commit()  # a session made on first look
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/meetings/<int:meeting_id>/live/current-item")
@csrf.exempt
def set_current_item(meeting_id: int):
    def action(meeting, session, body, user):
        live.set_current_item(session, _item(meeting, body, required=False), user)

    return _act(meeting_id, action)


@bp.post("/meetings/<int:meeting_id>/live/ticker")
@csrf.exempt
def post_ticker(meeting_id: int):
    def action(meeting, session, body, user):
        text = body.get("text")
        if not isinstance(text, str):
            raise BadBody("text", _("The entry's text."))
        live.post_ticker(session, text, user, item=_item(meeting, body, required=False))

    return _act(meeting_id, action)


@bp.post("/meetings/<int:meeting_id>/live/votes")
@csrf.exempt
def record_vote(meeting_id: int):
    def action(meeting, session, body, user):
        item = _item(meeting, body, required=True)
        outcome = body.get("outcome")
        if outcome not in {o.value for o in VoteOutcome}:
            raise BadBody("outcome", _("One of: %(values)s.", values=", ".join(o.value for o in VoteOutcome)))
        groups = body.get("by_group") or []
        if not isinstance(groups, list) or len(groups) > 50 or not all(isinstance(g, dict) for g in groups):
            raise BadBody("by_group", _("A list of objects with organization_id, yes, no and abstention."))
        by_group = [
            live.GroupVote(
                _group_id(entry), _count(entry, "yes"), _count(entry, "no"), _count(entry, "abstention")
            )
            for entry in groups
        ]
        live.record_vote(
            session,
            item,
            user,
            yes=_count(body, "yes"),
            no=_count(body, "no"),
            abstention=_count(body, "abstention"),
            outcome=VoteOutcome(outcome),
            by_group=by_group,
        )

    return _act(meeting_id, action)


def _group_id(entry: dict) -> int:
    value = entry.get("organization_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadBody("by_group", _("Each group needs its organization_id."))
    return value


@bp.post("/meetings/<int:meeting_id>/live/state")
@csrf.exempt
def set_state(meeting_id: int):
    def action(meeting, session, body, user):
        state = body.get("state")
        allowed = [s.value for s in LiveState if s is not LiveState.SCHEDULED]
        if state not in allowed:
            raise BadBody("state", _("One of: %(values)s.", values=", ".join(allowed)))
        live.set_state(session, LiveState(state), user)

    return _act(meeting_id, action)


def register(app: Flask) -> None:
    from participation.council import live_openapi

    register_openapi(app, "council", paths=live_openapi.paths, schemas=live_openapi.schemas)
