"""A petition's lifecycle: draft, supporters, review, open, closed or awaiting the response.

Services flush; views (and the scheduled job that closes petitions) commit. Every decision
by moderators or staff goes to the audit log in the same transaction; what followers and the
live count need to hear is announced as events after the commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core import audit, events
from participation.core.content import Visibility
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions.models import (
    HIDING_REASONS,
    TITLE_MAX,
    Petition,
    PetitionState,
    RejectionReason,
    counted_signatures,
)

PETITION_OPENED = "petition.opened"
PETITION_REJECTED = "petition.rejected"
PETITION_CLOSED = "petition.closed"
EVENTS = {  # declared by init_app
    PETITION_OPENED: "moderation approved a petition; it collects signatures now; payload: closes_at",
    PETITION_REJECTED: "moderation rejected a petition; payload: reason",
    PETITION_CLOSED: "a petition's deadline passed; payload: quorum_reached (bool), signatures",
}
MIN_DAYS_OPEN, MAX_DAYS_OPEN = 7, 183  # staff may choose one week to six months


class PetitionRuleError(ValueError):
    """A rule refused the change; `field` is the form field the message belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message, self.field = message, field


def _expect(petition: Petition, *states: PetitionState) -> None:
    if petition.state not in {state.value for state in states}:
        raise PetitionRuleError(_l("This petition is no longer at this step."))


def create_draft(author, *, title: str, request: str, background: str = "", district: str | None = None
                 ) -> Petition:
    title, request = (title or "").strip(), (request or "").strip()
    if not title:
        raise PetitionRuleError(_l("Please give your petition a title."), "title")
    if len(title) > TITLE_MAX:
        raise PetitionRuleError(_l("Please keep the title to %(max)d characters.", max=TITLE_MAX), "title")
    if not request:
        raise PetitionRuleError(_l("Please say what the city council should do."), "request")
    petition = Petition(
        title=title, request=request, background=(background or "").strip(), district=district or None,
        author_id=author.id, state=PetitionState.DRAFT.value, supporter_key=secrets.token_urlsafe(24),
    )
    db.session.add(petition)
    db.session.flush()
    return petition


def start_gathering(petition: Petition) -> None:
    """The creator shares the private link now; supporters sign it like any signature."""
    _expect(petition, PetitionState.DRAFT)
    petition.state = PetitionState.GATHERING.value
    db.session.flush()


def signature_count(petition: Petition) -> int:
    return db.session.scalar(counted_signatures(petition.id))


def submit_when_supported(petition: Petition) -> bool:
    """With enough supporters, the petition goes to moderation; returns whether it went."""
    _expect(petition, PetitionState.GATHERING)
    if signature_count(petition) < current_settings().petition_supporters_needed:
        return False
    petition.state = PetitionState.IN_REVIEW.value
    db.session.flush()
    return True


def approve(petition: Petition, moderator, *, days_open: int | None = None,
            quorum: int | None = None) -> None:
    _expect(petition, PetitionState.IN_REVIEW)
    days = days_open if days_open is not None else current_settings().petition_days_open
    if not MIN_DAYS_OPEN <= days <= MAX_DAYS_OPEN:
        raise PetitionRuleError(
            _l("A petition collects for %(min)d to %(max)d days.", min=MIN_DAYS_OPEN, max=MAX_DAYS_OPEN),
            "days_open",
        )
    if quorum is not None and quorum < 1:
        raise PetitionRuleError(_l("The quorum is at least one signature."), "quorum")
    now = utcnow()
    petition.state = PetitionState.OPEN.value
    petition.opened_at, petition.closes_at = now, now + timedelta(days=days)
    petition.quorum = quorum
    audit.record(moderator, "petition.approved", "petition", petition.id,
                 after={"closes_at": petition.closes_at.isoformat(), "quorum": quorum})
    db.session.flush()
    events.emit(PETITION_OPENED, actor=moderator, subject=petition, closes_at=petition.closes_at.isoformat())


def reject(petition: Petition, moderator, *, reason: RejectionReason, explanation: str,
           duplicate_of: Petition | None = None) -> None:
    _expect(petition, PetitionState.IN_REVIEW)
    reason = RejectionReason(reason)
    explanation = (explanation or "").strip()
    if not explanation:
        raise PetitionRuleError(_l("Please explain the decision to the petition's creator."), "explanation")
    if reason is RejectionReason.DUPLICATE and (duplicate_of is None or duplicate_of.id == petition.id):
        raise PetitionRuleError(_l("Please name the petition this one duplicates."), "duplicate_of")
    petition.state = PetitionState.REJECTED.value
    petition.rejection_reason, petition.rejection_explanation = reason.value, explanation
    petition.duplicate_of_id = duplicate_of.id if reason is RejectionReason.DUPLICATE else None
    if reason in HIDING_REASONS:
        petition.visibility = Visibility.HIDDEN.value  # only the reason stays public
        petition.hidden_reason = reason.value
    audit.record(moderator, "petition.rejected", "petition", petition.id, reason=explanation,
                 after={"reason": reason.value, "duplicate_of": petition.duplicate_of_id})
    db.session.flush()
    events.emit(PETITION_REJECTED, actor=moderator, subject=petition, reason=reason.value)


def close_due(now: datetime | None = None) -> list[int]:
    """Close every open petition whose deadline has passed: awaiting the council's response
    with the quorum reached, closed below it. Returns the ids closed (run by a scheduled job)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Petition).where(Petition.state == PetitionState.OPEN.value, Petition.closes_at <= now)
    ).all()
    for petition in due:
        signatures = signature_count(petition)
        reached = signatures >= petition.quorum_for(current_settings().petition_quorum)
        petition.state = (PetitionState.AWAITING_RESPONSE if reached else PetitionState.CLOSED).value
        petition.closed_at = now
        events.emit(PETITION_CLOSED, subject=petition, quorum_reached=reached, signatures=signatures)
    db.session.flush()
    return [petition.id for petition in due]
