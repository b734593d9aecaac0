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

CHUNK = 500  # people per batch of published counts

_PUBLIC = AnonymousUserMixin()


def _publish(*items: tuple[str, str, dict]) -> None:
    try:
        current_app.extensions["live_broker"].publish_many(items)
    except BrokerUnavailable as error:  # the page still shows the news on its next load
        logger.warning("live updates: could not publish %d event(s): %s", len(items), error)


def _idea_changed(idea_id: int, change: str) -> None:
    from participation.consultations.models import Idea

    idea = db.session.get(Idea, idea_id)
    if idea is None or not idea.is_visible or not idea.consultation.can_view(_PUBLIC):
        return  # only what the public may see: every follower gets the same stream
    _publish((consultation_topic(idea.consultation_id), "idea", {"idea_id": idea.id, "change": change}))


def idea_saved(event: events.Event) -> None:
    _idea_changed(event.subject_id, "created" if event.get("created") else "updated")


def idea_answered(event: events.Event) -> None:
    _idea_changed(event.subject_id, "answered")


def unread_counts(user_ids: list[int]) -> dict[int, int]:
    """Unread notifications per person (0 included), in one query: a fan-out may name thousands."""
    from participation.notifications.queries import unread_counts_of

    return {user_id: 0 for user_id in user_ids} | dict(db.session.execute(unread_counts_of(user_ids)).all())


def notifications_created(event: events.Event) -> None:
    """Each person's unread count now, in chunks of people: one query and one publish each."""
    user_ids = sorted(set(event.get("user_ids") or ()))
    for start in range(0, len(user_ids), CHUNK):
        counts = unread_counts(user_ids[start:start + CHUNK])
        _publish(*[(user_topic(user_id), "notifications", {"unread": unread})
                   for user_id, unread in sorted(counts.items())])


def init_app(app: Flask) -> None:
    # After consultations and notifications in FEATURES: their init_app declares these kinds.
    from participation.consultations import services as consultations
    from participation.notifications import services as notifications

    events.subscribe(consultations.IDEA_SAVED, idea_saved)
    events.subscribe(consultations.IDEA_ANSWERED, idea_answered)
    events.subscribe(notifications.NOTIFICATION_CREATED, notifications_created)
