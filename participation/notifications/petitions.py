"""Who hears what about a petition: its creator and its followers (target type "petition").

Opened, closed, answered and each milestone go to the creator and the followers; a rejection
to the creator alone (it explains the decision to them). Like every notification these are
jobs after the commit, keyed by the event's id (subscribers.py). Petitions declare the event
kinds; `petition.answered` and `petition.milestone` are subscribed to only where declared, so
this works whichever parts of the petitions feature are installed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.core import events, jobs
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Kind, declare_kind

MILESTONE = "milestone"
MILESTONE_HEADLINE = _l("“%(title)s” reached a milestone")

OPENED, REJECTED, CLOSED = "petition.opened", "petition.rejected", "petition.closed"
ANSWERED, MILESTONE_REACHED = "petition.answered", "petition.milestone"


def _petition(event: events.Event):
    from participation.petitions.models import Petition

    return db.session.get(Petition, event.subject_id)


def _actor(event: events.Event) -> User | None:
    return db.session.get(User, event.actor_id) if event.actor_id is not None else None


def _tell(event: events.Event, kind: str, excerpt: str, *, authors_only: bool = False) -> None:
    services.target_event("petition", event.subject_id, kind, actor=_actor(event), excerpt=excerpt,
                          event_id=event.id, authors_only=authors_only)


def petition_opened(event: events.Event) -> None:
    petition = _petition(event)
    if petition is not None:
        _tell(event, Kind.STATUS, str(petition.state_label))


def petition_rejected(event: events.Event) -> None:
    from participation.petitions.models import REJECTION_LABELS, RejectionReason

    petition = _petition(event)
    if petition is None:
        return
    reason = str(REJECTION_LABELS[RejectionReason(event["reason"])])
    explanation = petition.rejection_explanation or ""
    _tell(event, Kind.STATUS, f"{reason}: {explanation}" if explanation else reason, authors_only=True)


def petition_closed(event: events.Event) -> None:
    petition = _petition(event)
    if petition is not None:
        _tell(event, Kind.STATUS, str(petition.state_label))


def petition_answered(event: events.Event) -> None:
    petition = _petition(event)
    if petition is not None:
        _tell(event, Kind.RESPONSE, petition.response or str(petition.state_label))


def petition_milestone(event: events.Event) -> None:
    petition = _petition(event)
    if petition is None:
        return
    quorum = event.get("quorum") or petition.quorum_for(current_settings().petition_quorum)
    if event["percent"] >= 100:
        excerpt = _l("The quorum of %(quorum)d signatures is reached.", quorum=quorum)
    else:
        excerpt = _l("%(percent)d %% of the quorum of %(quorum)d signatures are reached.",
                     percent=event["percent"], quorum=quorum)
    _tell(event, MILESTONE, str(excerpt))


HANDLERS = {
    OPENED: petition_opened,
    REJECTED: petition_rejected,
    CLOSED: petition_closed,
    ANSWERED: petition_answered,
    MILESTONE_REACHED: petition_milestone,
}


def init_app() -> None:
    """Subscribe to the petition events that are declared (called by subscribers.init_app)."""
    declare_kind(MILESTONE, MILESTONE_HEADLINE)
    for kind, handler in HANDLERS.items():
        if kind in events.KINDS:
            jobs.subscribe(kind, handler)
