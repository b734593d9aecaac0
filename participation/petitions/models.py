"""Petitions to the city council and their signatures.

A petition is resident content (AuthoredContent: moderation, data export and account
deletion work on it as on ideas and comments). Its count is never a column that every
signature increments: it is derived from the confirmed signature rows (and paper lists), so
many people signing at once never contend for one row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.content import AuthoredContent
from participation.core.geo_columns import BBoxColumns
from participation.core.models import utcnow
from participation.extensions import db

TITLE_MAX = 150


class PetitionState(StrEnum):
    DRAFT = "draft"  # only its creator sees it
    GATHERING = "gathering"  # shared by a private link until enough supporters signed
    IN_REVIEW = "in_review"  # with moderators or staff
    OPEN = "open"  # collects signatures until its deadline
    REJECTED = "rejected"  # with a reason
    AWAITING_RESPONSE = "awaiting_response"  # closed with the quorum reached
    ANSWERED = "answered"  # the council's response is published
    CLOSED = "closed"  # closed below the quorum


STATE_LABELS = {
    PetitionState.DRAFT: _l("Draft"),
    PetitionState.GATHERING: _l("Gathering supporters"),
    PetitionState.IN_REVIEW: _l("In review"),
    PetitionState.OPEN: _l("Open for signatures"),
    PetitionState.REJECTED: _l("Rejected"),
    PetitionState.AWAITING_RESPONSE: _l("Awaiting the council's response"),
    PetitionState.ANSWERED: _l("Answered"),
    PetitionState.CLOSED: _l("Closed"),
}


class RejectionReason(StrEnum):
    DUPLICATE = "duplicate"  # of another petition, which the page links
    NOT_MUNICIPAL = "not_municipal"
    NO_REQUEST = "no_request"
    OFFENSIVE = "offensive"
    PERSONAL_DATA = "personal_data"
    ADVERTISING = "advertising"
    OTHER = "other"


REJECTION_LABELS = {
    RejectionReason.DUPLICATE: _l("Duplicate of another petition"),
    RejectionReason.NOT_MUNICIPAL: _l("Not a matter for the city"),
    RejectionReason.NO_REQUEST: _l("No concrete request"),
    RejectionReason.OFFENSIVE: _l("Offensive"),
    RejectionReason.PERSONAL_DATA: _l("Contains personal data"),
    RejectionReason.ADVERTISING: _l("Advertising"),
    RejectionReason.OTHER: _l("Other reason"),
}
# Rejected for these, the text itself must not stay public: only the reason is shown.
HIDING_REASONS = frozenset({RejectionReason.OFFENSIVE, RejectionReason.PERSONAL_DATA})


class NameShown(StrEnum):
    FULL = "full"
    INITIALS = "initials"
    HIDDEN = "hidden"


class Petition(AuthoredContent, BBoxColumns, db.Model):
    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    request: Mapped[str] = mapped_column(Text)  # what the council should do
    background: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default=PetitionState.DRAFT.value, index=True)
    # The private link that the creator shares with the first supporters (a random key).
    supporter_key: Mapped[str] = mapped_column(String(64), unique=True)
    quorum: Mapped[int | None]  # None: the site's PETITION_QUORUM
    opened_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(20))
    rejection_explanation: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    # The first moderator to open it for a decision holds it for a few minutes (HOLD_MINUTES).
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    held_until: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]  # went to moderation
    decided_at: Mapped[datetime | None]  # approved or rejected
    # The council's response, published by staff; optionally a link to a meeting or paper.
    response: Mapped[str | None] = mapped_column(Text)
    response_url: Mapped[str | None] = mapped_column(String(500))
    answered_at: Mapped[datetime | None]
    # Milestones (25/50/75/100 % of the quorum) already announced: the highest percentage.
    milestone_reached: Mapped[int] = mapped_column(default=0)
    anonymized_at: Mapped[datetime | None]  # names, addresses and IP hashes erased

    signatures: Mapped[list[Signature]] = relationship(back_populates="petition")
    paper_lists: Mapped[list[PaperList]] = relationship(back_populates="petition", order_by="PaperList.id")
    held_by = relationship("User", foreign_keys=[held_by_id])

    def quorum_for(self, site_quorum: int) -> int:
        return self.quorum if self.quorum is not None else site_quorum

    @property
    def state_label(self):
        return STATE_LABELS[PetitionState(self.state)]


class Signature(db.Model):
    """One person's signature on one petition. It counts once confirmed (the mailed link),
    unless it is held for review (over a rate limit) or invalidated by staff."""

    __tablename__ = "petition_signature"
    __table_args__ = (
        UniqueConstraint("petition_id", "address_key"),
        Index("ix_petition_signature_counted", "petition_id", "confirmed_at"),
        Index("ix_petition_signature_ip", "petition_id", "ip_hash"),
        Index("ix_petition_signature_domain", "petition_id", "email_domain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    name_shown: Mapped[str] = mapped_column(String(10), default=NameShown.FULL.value)
    email: Mapped[str | None] = mapped_column(String(320))  # as typed (identity.stored_address)
    # signing.signer_key: a keyed hash of identity.address_key, one per person and petition
    address_key: Mapped[str] = mapped_column(String(320))
    postcode: Mapped[str | None] = mapped_column(String(10))
    in_municipality: Mapped[bool] = mapped_column(default=True)
    # Kept when the postcode is erased: the counts by district stay (districts.py).
    district: Mapped[str | None] = mapped_column(String(80))
    # Fraud checks only: a keyed hash of the IP's network (/24, /64), and the address's domain.
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    email_domain: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    links_sent: Mapped[int] = mapped_column(default=1)  # confirmation mails, at most five
    held: Mapped[bool] = mapped_column(default=False)  # over a limit: waits for staff
    held_reason: Mapped[str | None] = mapped_column(String(20))  # "ip" or "domain"
    invalidated_at: Mapped[datetime | None]
    invalidation_reason: Mapped[str | None] = mapped_column(Text)

    petition: Mapped[Petition] = relationship(back_populates="signatures")

    @property
    def counts(self) -> bool:
        return self.confirmed_at is not None and not self.held and self.invalidated_at is None


class PaperList(db.Model):
    """Signatures collected on paper, recorded by staff: they add to the count, marked as such."""

    __tablename__ = "petition_paper_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    signatures: Mapped[int]
    in_municipality: Mapped[int]  # of those, how many gave a postcode of the municipality
    # {district: count} when known; the rest is "district unknown"
    districts: Mapped[dict | None] = mapped_column(JSON)
    file_key: Mapped[str | None] = mapped_column(String(200))  # the scanned list (uploads)
    note: Mapped[str] = mapped_column(Text, default="")
    collected_on: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    petition: Mapped[Petition] = relationship(back_populates="paper_lists")


def counted_signatures(petition_id: int):
    """How many signatures of the petition count now (confirmed, not held, not invalidated)."""
    return select(func.count()).select_from(Signature).where(
        Signature.petition_id == petition_id,
        Signature.confirmed_at.is_not(None),
        Signature.held.is_(False),
        Signature.invalidated_at.is_(None),
    )
