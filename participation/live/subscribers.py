"""What goes out live: committed events of the features (core.events), as ids and counts.

Events carry ids and counts only, never text a person wrote: the page fetches what changed
through its usual routes, which apply every rule again for whoever is looking.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from flask_login import AnonymousUserMixin

from participation.core import events
from participation.extensions import db
from participation.live.broker import BrokerUnavailable
from participation.live.topics import consultation_topic, user_topic

logger = logging.getLogger(__name__)

# Declared by the notifications package (payload: user_ids, the people who got one); until
# that is there, live declares it so its subscription stands and simply hears nothing.
NOTIFICATION_CREATED = "notification.created"

_PUBLIC = AnonymousUserMixin()


def _publish(topic: str, event: str, data: dict) -> None:
    try:
        current_app.extensions["live_broker"].publish(topic, event, data)
    except BrokerUnavailable as error:  # the page still shows the news on its next load
        logger.warning("live updates: could not publish %s on %s: %s", event, topic, error)


def _idea_changed(idea_id: int, change: str) -> None:
    from participation.consultations.models import Idea

    idea = db.session.get(Idea, idea_id)
    if idea is None or not idea.is_visible or not idea.consultation.can_view(_PUBLIC):
        return  # only what the public may see: every follower gets the same stream
    _publish(consultation_topic(idea.consultation_id), "idea", {"idea_id": idea.id, "change": change})


def idea_saved(event: events.Event) -> None:
    _idea_changed(event.subject_id, "created" if event.get("created") else "updated")


def idea_answered(event: events.Event) -> None:
    _idea_changed(event.subject_id, "answered")


def notifications_created(event: events.Event) -> None:
    from participation.notifications import queries

    for user_id in sorted(set(event.get("user_ids") or ())):
        _publish(user_topic(user_id), "notifications", {"unread": queries.unread_count(user_id)})


def init_app(app: Flask) -> None:
    from participation.consultations import services as consultations

    if NOTIFICATION_CREATED not in events.KINDS:
        events.declare(NOTIFICATION_CREATED, "people got a notification; payload: user_ids")
    events.subscribe(consultations.IDEA_SAVED, idea_saved)
    events.subscribe(consultations.IDEA_ANSWERED, idea_answered)
    events.subscribe(NOTIFICATION_CREATED, notifications_created)
