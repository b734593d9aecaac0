"""Reads for the public petition pages: who may see a petition, the filtered list, the map, the
home page's card.

A petition exists for the public once moderation approved or rejected it (PUBLIC_STATES);
before that only its creator and moderators see it. Rejected for a hiding reason
(models.HIDING_REASONS), its text is gone from every public page: only the reason stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from participation.core.access import Role
from participation.core.content import Visibility
from participation.core.districts import DISTRICTS
from participation.extensions import db
from participation.petitions import counts
from participation.petitions.models import HIDING_REASONS, PaperList, Petition, PetitionState

PUBLIC_STATES = (
    PetitionState.OPEN,
    PetitionState.AWAITING_RESPONSE,
    PetitionState.ANSWERED,
    PetitionState.CLOSED,
    PetitionState.REJECTED,
)
_PUBLIC_VALUES = tuple(state.value for state in PUBLIC_STATES)
# States whose page shows the count, the chart and the names (a rejected petition never collected).
COUNTED_STATES = frozenset(
    {PetitionState.OPEN, PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED, PetitionState.CLOSED}
)

SORT_NEWEST, SORT_MOST_SIGNED, SORT_CLOSING_SOON = "newest", "most_signed", "closing_soon"
SORTS = (SORT_NEWEST, SORT_MOST_SIGNED, SORT_CLOSING_SOON)


def is_public(petition: Petition) -> bool:
    return petition.state in _PUBLIC_VALUES


def is_moderator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.MODERATOR.value, Role.STAFF.value, Role.ADMIN.value,
    )


def can_view(petition: Petition, user) -> bool:
    """Public states for everyone; drafts, supporters' gathering and review for the creator and
    moderators only (everyone else gets a 404: such a petition does not exist for them)."""
    return is_public(petition) or petition.is_author(user) or is_moderator(user)


def text_hidden(petition: Petition) -> bool:
    """Whether the title, request, background and place must not be shown publicly."""
    rejected_hiding = petition.state == PetitionState.REJECTED.value and petition.rejection_reason in {
        reason.value for reason in HIDING_REASONS
    }
    return rejected_hiding or petition.visibility in (Visibility.HIDDEN.value, Visibility.DELETED.value)


@dataclass
class PetitionFilters:
    district: str = ""
    status: str = ""
    sort: str = SORT_NEWEST

    @classmethod
    def from_args(cls, args) -> PetitionFilters:
        district, status, sort = args.get("bezirk", ""), args.get("status", ""), args.get("sortierung", "")
        return cls(
            district=district if district in DISTRICTS else "",
            status=status if status in _PUBLIC_VALUES else "",
            sort=sort if sort in SORTS else SORT_NEWEST,
        )

    def apply(self, query):
        query = query.where(Petition.state.in_(_PUBLIC_VALUES))
        if self.district:
            query = query.where(Petition.district == self.district)
        if self.status:
            query = query.where(Petition.state == self.status)
        return query

    def as_args(self) -> dict[str, str]:
        """The query string of this filter (for pagination links); the default sort is left out."""
        pairs = (("bezirk", self.district), ("status", self.status),
                 ("sortierung", "" if self.sort == SORT_NEWEST else self.sort))
        return {key: value for key, value in pairs if value}


def _paper_counts_subquery():
    return (
        select(PaperList.petition_id, func.sum(PaperList.signatures).label("signatures"))
        .group_by(PaperList.petition_id)
        .subquery()
    )


def _newest_first():
    # rejected petitions were never opened: they date from the decision
    when = func.coalesce(Petition.opened_at, Petition.decided_at, Petition.created_at)
    return when.desc(), Petition.id.desc()


def filtered(filters: PetitionFilters):
    """The list's query. "Closing soon" lists open petitions only: the others closed already."""
    query = filters.apply(select(Petition))
    if filters.sort == SORT_CLOSING_SOON:
        return query.where(Petition.state == PetitionState.OPEN.value).order_by(
            Petition.closes_at.asc(), Petition.id.asc()
        )
    if filters.sort == SORT_MOST_SIGNED:
        online, paper = counts.online_counts_subquery(), _paper_counts_subquery()
        total = func.coalesce(online.c.signatures, 0) + func.coalesce(paper.c.signatures, 0)
        return (
            query.outerjoin(online, online.c.petition_id == Petition.id)
            .outerjoin(paper, paper.c.petition_id == Petition.id)
            .order_by(total.desc(), *_newest_first())
        )
    return query.order_by(*_newest_first())


def located(filters: PetitionFilters) -> list[Petition]:
    """The petitions of the filter that have a place, for the map (without hidden ones: their
    place is part of the text that is gone)."""
    query = filters.apply(select(Petition)).where(Petition.min_lon.is_not(None)).order_by(Petition.id)
    return [petition for petition in db.session.scalars(query) if not text_hidden(petition)]


def open_petitions(limit: int = 5) -> list[tuple[Petition, int]]:
    """For the home page: the open petitions with the most signatures (newest first among
    equals), each with its count (online and paper)."""
    query = filtered(PetitionFilters(status=PetitionState.OPEN.value, sort=SORT_MOST_SIGNED)).where(
        Petition.visibility == Visibility.VISIBLE.value
    )
    petitions = list(db.session.scalars(query.limit(limit)))
    totals = counts.totals_for([petition.id for petition in petitions])
    return [(petition, totals[petition.id]) for petition in petitions]
