"""Plugs the live sessions in (called by council.init_app): the event kind, the live topic
`meeting:<id>` (anyone may follow a meeting that exists), the update that goes out after each
change (ids only: the page fetches the rest through its routes), the JSON API and its part of
the OpenAPI document."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from participation.core import events
from participation.extensions import db

logger = logging.getLogger(__name__)


def meeting_topic(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def _may_follow(meeting_id: int, user) -> bool:
    from participation.council.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    return meeting is not None and not meeting.deleted


def _publish_change(event: events.Event) -> None:
    from participation.live.broker import BrokerUnavailable

    try:
        current_app.extensions["live_broker"].publish(
            meeting_topic(event.subject_id), "live", {"meeting_id": event.subject_id, "change": event.get("change")})
    except BrokerUnavailable as error:  # the page still shows it on its next poll or load
        logger.warning("live session %s: could not publish: %s", event.subject_id, error)


def register(app: Flask) -> None:
    from participation.council import live_api, live_models, live_services  # noqa: F401 - the tables
    from participation.council.blueprint import api_bp
    from participation.live.topics import register_kind

    events.declare_all(live_services.EVENTS)
    events.subscribe(live_services.LIVE_CHANGED, _publish_change)
    register_kind("meeting", _may_follow)
    live_api.register(app)
    app.register_blueprint(api_bp)
