"""Plugs the live sessions in (called by council.init_app): the event kind, the live topic
`meeting:<id>` (anyone may follow a meeting that exists), the update that goes out after each
change (ids only: the page fetches the rest through its routes), the JSON API and its part of
the OpenAPI document."""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from sqlalchemy import select

from participation.core import events
from participation.extensions import db

logger = logging.getLogger(__name__)


def meeting_topic(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


FOLLOW_CACHE_SECONDS = 10.0  # a meeting deleted meanwhile stops being followable this much later


def _may_follow(meeting_id: int, user) -> bool:
    """Whether the meeting exists: asked by every live poll (thousands a second while a session
    runs), so the answer is kept for a few seconds instead of a query each time."""
    from participation.council.models import Meeting

    followable = current_app.extensions["council_followable"]  # meeting id -> (answer, until)
    now = time.monotonic()
    known = followable.get(meeting_id)
    if known is not None and known[1] > now:
        return known[0]
    answer = db.session.scalar(select(Meeting.deleted).where(Meeting.id == meeting_id)) is False
    if len(followable) > 10_000:
        followable.clear()
    followable[meeting_id] = (answer, now + FOLLOW_CACHE_SECONDS)
    return answer


def _publish_change(event: events.Event) -> None:
    from participation.live.broker import BrokerUnavailable

    try:
        data = {"meeting_id": event.subject_id, "change": event.get("change")}
        current_app.extensions["live_broker"].publish(meeting_topic(event.subject_id), "live", data)
    except BrokerUnavailable as error:  # the page still shows it on its next poll or load
        logger.warning("live session %s: could not publish: %s", event.subject_id, error)


def register(app: Flask) -> None:
    from participation.council import live_api, live_models, live_services, live_views  # noqa: F401 - tables, routes
    from participation.council.blueprint import api_bp
    from participation.live.topics import register_kind

    events.declare_all(live_services.EVENTS)
    live_views.register(app)  # first: the cached live state is forgotten before the pages hear of a change
    events.subscribe(live_services.LIVE_CHANGED, _publish_change)
    register_kind("meeting", _may_follow)
    app.extensions["council_followable"] = {}
    live_api.register(app)
    app.register_blueprint(api_bp)
