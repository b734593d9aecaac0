"""Who hears what about the council: a meeting's followers hear when its session begins live
(target type "council_meeting"); comments on papers reach their followers through the
general comment notifications. A job after the commit, keyed by the event's id."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.core import events, jobs
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Kind

SESSION_STARTED = "council.session_started"


def session_started(event: events.Event) -> None:
    actor = db.session.get(User, event.actor_id) if event.actor_id is not None else None
    services.target_event(
        "council_meeting", event.subject_id, Kind.STATUS, actor=actor,
        excerpt=str(_l("The session has begun: follow it live with video, ticker and votes.")),
        event_id=event.id,
    )


def init_app() -> None:
    """Subscribe where the council's live sessions are installed (called by subscribers.init_app)."""
    if SESSION_STARTED in events.KINDS:
        jobs.subscribe(SESSION_STARTED, session_started)
