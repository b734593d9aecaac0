"""A petition's lifecycle: draft, supporters, review, open, closed or awaiting the response.

Services flush; views (and the scheduled job that closes petitions) commit. Every decision
by moderators or staff goes to the audit log in the same transaction; what followers and the
live count need to hear is announced as events after the commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from participation.core import audit, events, geo
from participation.core.access import Role
from participation.core.content import Visibility
from participation.core.districts import DISTRICTS
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions import counts
from participation.petitions.models import (
    HIDING_REASONS,
    TITLE_MAX,
    Petition,
    PetitionState,
    RejectionReason,
    Signature,
    counted_signatures,
)

PETITION_SUBMITTED = "petition.submitted"
PETITION_OPENED = "petition.opened"
PETITION_REJECTED = "petition.rejected"
PETITION_CLOSED = "petition.closed"
PETITION_ANSWERED = "petition.answered"
EVENTS = {  # declared by init_app
    PETITION_SUBMITTED: "a petition has its supporters and waits for moderation",
    PETITION_OPENED: "moderation approved a petition; it collects signatures now; payload: closes_at",
    PETITION_REJECTED: "moderation rejected a petition; payload: reason",
    PETITION_CLOSED: "a petition's deadline passed; payload: quorum_reached (bool), signatures",
    PETITION_ANSWERED: "staff published the council's response (the first time, not on corrections)",
}
MIN_DAYS_OPEN, MAX_DAYS_OPEN = 7, 183  # staff may choose one week to six months
RESPONSE_URL_MAX = 500
# A generous box around Leipzig: a petition to its council has its place in the city.
CITY_BOX = geo.BBox(12.15, 51.20, 12.60, 51.50)
PUBLIC_STATES = frozenset({PetitionState.OPEN, PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED,
                           PetitionState.CLOSED, PetitionState.REJECTED})


class PetitionRuleError(ValueError):
    """A rule refused the change; `field` is the form field the message belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message, self.field = message, field


def _expect(petition: Petition, *states: PetitionState) -> None:
    if petition.state not in {state.value for state in states}:
        raise PetitionRuleError(_l("This petition is no longer at this step."))


def place_from_positions(kind: str, positions_text: str | None) -> dict | None:
    """The optional place typed or clicked in the form (latitude, longitude per line): a point
    or an area; None when the field is empty."""
    try:
        positions = geo.parse_positions(positions_text or "")
        if not positions:
            return None
        if kind not in ("point", "polygon"):
            raise geo.GeometryError(_l("This kind of shape is not supported here."))
        place = geo.geometry_from_positions(kind, positions, geographic=True)
    except geo.GeometryError as error:
        raise PetitionRuleError(error.message, "positions") from error
    if not geo.within_box(place, CITY_BOX):
        raise PetitionRuleError(_l("Please place the petition in Leipzig."), "positions")
    return place


def _checked_text(title: str, request: str, district: str | None) -> tuple[str, str, str | None]:
    title, request = (title or "").strip(), (request or "").strip()
    if not title:
        raise PetitionRuleError(_l("Please give your petition a title."), "title")
    if len(title) > TITLE_MAX:
        raise PetitionRuleError(_l("Please keep the title to %(max)d characters.", max=TITLE_MAX), "title")
    if not request:
        raise PetitionRuleError(_l("Please say what the city council should do."), "request")
    if district and district not in DISTRICTS:
        raise PetitionRuleError(_l("Please choose one of the districts."), "district")
    return title, request, district or None


def create_draft(author, *, title: str, request: str, background: str = "", district: str | None = None,
                 place: dict | None = None) -> Petition:
    if author.is_blocked:
        raise PetitionRuleError(_l("Your account is blocked by moderation; you cannot write for now."))
    title, request, district = _checked_text(title, request, district)
    petition = Petition(
        title=title, request=request, background=(background or "").strip(), district=district,
        author_id=author.id, state=PetitionState.DRAFT.value, supporter_key=secrets.token_urlsafe(24),
    )
    petition.set_geometry(place)
    db.session.add(petition)
    db.session.flush()
    return petition


def has_supporters(petition: Petition) -> bool:
    """Whether anyone has signed yet (confirmed or not: a pending supporter may still confirm)."""
    first = select(Signature.id).where(Signature.petition_id == petition.id).limit(1)
    return db.session.scalar(first) is not None


def can_edit(petition: Petition, user) -> bool:
    """Only the creator edits, and only while nobody has signed: supporters sign the text they
    read, and their support must not carry over to a text they never saw."""
    if not petition.is_author(user):
        return False
    if petition.state == PetitionState.DRAFT.value:
        return True
    return petition.state == PetitionState.GATHERING.value and not has_supporters(petition)


def update_draft(petition: Petition, editor, *, title: str, request: str, background: str = "",
                 district: str | None = None, place: dict | None = None) -> None:
    if not can_edit(petition, editor):
        raise PetitionRuleError(_l("Once supporters have signed, the text can no longer change."))
    petition.title, petition.request, petition.district = _checked_text(title, request, district)
    petition.background = (background or "").strip()
    petition.set_geometry(place)
    db.session.flush()


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
    petition.submitted_at = utcnow()
    db.session.flush()
    events.emit(PETITION_SUBMITTED, subject=petition)
    return True


def is_staff(user) -> bool:
    return user.has_role(Role.STAFF, Role.ADMIN)


def held_by_other(petition: Petition, user, now: datetime | None = None) -> bool:
    """Whether another moderator holds the petition for a decision right now."""
    now = now or utcnow()
    return (petition.held_by_id is not None and petition.held_by_id != user.id
            and petition.held_until is not None and petition.held_until > now)


def take_hold(petition: Petition, moderator, now: datetime | None = None) -> bool:
    """The moderator who opens a petition for a decision holds it for a few minutes (renewed
    when they open it again); returns False when someone else holds it. One conditional UPDATE,
    so two moderators opening it at the same moment cannot both get it."""
    if petition.state != PetitionState.IN_REVIEW.value:
        return False
    now = now or utcnow()
    until = now + timedelta(minutes=current_settings().petition_hold_minutes)
    taken = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id,
               or_(Petition.held_by_id.is_(None), Petition.held_by_id == moderator.id,
                   Petition.held_until.is_(None), Petition.held_until <= now))
        .values(held_by_id=moderator.id, held_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(petition)
    return taken == 1


def _decide(petition: Petition, moderator) -> None:
    """Lock the row (PostgreSQL; SQLite writes one at a time anyway), then check the step and
    the hold: a decision by someone other than the holder is refused."""
    db.session.refresh(petition, with_for_update=True)
    _expect(petition, PetitionState.IN_REVIEW)
    if held_by_other(petition, moderator):
        raise PetitionRuleError(_l("%(name)s is deciding on this petition right now.",
                                   name=petition.held_by.public_name if petition.held_by else ""))
    petition.held_by_id, petition.held_until = None, None
    petition.decided_at = utcnow()


def approve(petition: Petition, moderator, *, days_open: int | None = None,
            quorum: int | None = None) -> None:
    _expect(petition, PetitionState.IN_REVIEW)
    site = current_settings()
    days = days_open if days_open is not None else site.petition_days_open
    if not is_staff(moderator) and days != site.petition_days_open:
        raise PetitionRuleError(
            _l("Only council staff may change how long a petition collects."), "days_open")
    if not is_staff(moderator) and quorum is not None:
        raise PetitionRuleError(_l("Only council staff may set a quorum of its own."), "quorum")
    if not MIN_DAYS_OPEN <= days <= MAX_DAYS_OPEN:
        raise PetitionRuleError(
            _l("A petition collects for %(min)d to %(max)d days.", min=MIN_DAYS_OPEN, max=MAX_DAYS_OPEN),
            "days_open",
        )
    if quorum is not None and quorum < 1:
        raise PetitionRuleError(_l("The quorum is at least one signature."), "quorum")
    _decide(petition, moderator)
    now = petition.decided_at
    petition.state = PetitionState.OPEN.value
    petition.opened_at, petition.closes_at = now, now + timedelta(days=days)
    petition.quorum = quorum
    audit.record(moderator, "petition.approved", "petition", petition.id,
                 after={"closes_at": petition.closes_at.isoformat(), "quorum": quorum})
    db.session.flush()
    events.emit(PETITION_OPENED, actor=moderator, subject=petition, closes_at=petition.closes_at.isoformat())


def is_public(petition: Petition) -> bool:
    return petition.state in {state.value for state in PUBLIC_STATES} and petition.is_visible


def reject(petition: Petition, moderator, *, reason: RejectionReason, explanation: str,
           duplicate_of: Petition | None = None) -> None:
    _expect(petition, PetitionState.IN_REVIEW)
    reason = RejectionReason(reason)
    explanation = (explanation or "").strip()
    if not explanation:
        raise PetitionRuleError(_l("Please explain the decision to the petition's creator."), "explanation")
    if reason is RejectionReason.DUPLICATE and (
        duplicate_of is None or duplicate_of.id == petition.id or not is_public(duplicate_of)
    ):
        raise PetitionRuleError(_l("Please name the public petition this one duplicates."), "duplicate_of")
    _decide(petition, moderator)
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


def _is_web_address(url: str) -> bool:
    """http(s) with a host, or a page of this site ("/rat/vorlagen/12"): a javascript: or
    data: link must never reach the public page."""
    if len(url) > RESPONSE_URL_MAX:
        return False
    if url.startswith("/"):
        return not url.startswith("//") and "\\" not in url
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def respond(petition: Petition, staff, text: str, url: str | None = None) -> None:
    """Publish the council's response, or correct a published one (announced only the first time)."""
    _expect(petition, PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED)
    text, url = (text or "").strip(), (url or "").strip() or None
    if not text:
        raise PetitionRuleError(_l("Please write the council's response."), "response")
    if url is not None and not _is_web_address(url):
        raise PetitionRuleError(
            _l("Please give a web address starting with https://, or a page of this site starting with /."),
            "response_url",
        )
    first = petition.state == PetitionState.AWAITING_RESPONSE.value
    before = None if first else {"response": petition.response, "response_url": petition.response_url}
    petition.response, petition.response_url = text, url
    petition.state = PetitionState.ANSWERED.value
    if first:
        petition.answered_at = utcnow()
    audit.record(staff, "petition.answered", "petition", petition.id, before=before,
                 after={"response": text, "response_url": url})
    db.session.flush()
    if first:
        events.emit(PETITION_ANSWERED, actor=staff, subject=petition)


def close_due(now: datetime | None = None) -> list[int]:
    """Close every open petition whose deadline has passed: awaiting the council's response
    with the quorum reached, closed below it. Returns the ids closed (run by a scheduled job)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Petition).where(Petition.state == PetitionState.OPEN.value, Petition.closes_at <= now)
    ).all()
    for petition in due:
        totals = counts.totals(petition.id)  # the quorum counts the municipality, paper lists included
        signatures = totals.total
        reached = totals.for_quorum >= petition.quorum_for(current_settings().petition_quorum)
        petition.state = (PetitionState.AWAITING_RESPONSE if reached else PetitionState.CLOSED).value
        petition.closed_at = now
        events.emit(PETITION_CLOSED, subject=petition, quorum_reached=reached, signatures=signatures)
    db.session.flush()
    return [petition.id for petition in due]
