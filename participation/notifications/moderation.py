"""The author of a post hears of moderation's decisions about it, and of the outcome of an
appeal, in the app as well (the statement of reasons goes by mail from moderation itself, so
these notifications send no second mail). Subscribed only where moderation is installed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.core import events, jobs, targets
from participation.notifications import services
from participation.notifications.models import declare_kind

MODERATION = "moderation"
APPEAL = "moderation_appeal"
DECIDED, APPEAL_DECIDED = "moderation.decided", "moderation.appeal_decided"


def _tell_author(event: events.Event, kind: str) -> None:
    author_id = event.get("author_id")
    place = targets.resolve(event.get("place_type") or "", event.get("place_id") or 0)
    if author_id is None or place is None:
        return
    services.notify_one(
        author_id, kind, place, link=event["statement_path"], excerpt=event.get("text") or "",
        event_id=event.id,
    )


def decided(event: events.Event) -> None:
    _tell_author(event, MODERATION)


def appeal_decided(event: events.Event) -> None:
    _tell_author(event, APPEAL)


def init_app() -> None:
    declare_kind(MODERATION, _l("Moderation has decided about your post on “%(title)s”"))
    declare_kind(APPEAL, _l("Your appeal about your post on “%(title)s” is decided"))
    for kind, handler in ((DECIDED, decided), (APPEAL_DECIDED, appeal_decided)):
        if kind in events.KINDS:
            jobs.subscribe(kind, handler)
