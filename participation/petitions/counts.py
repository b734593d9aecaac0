"""How many signed: read from the rows, never from a counter that every signature increments.

A signature counts once confirmed, unless it is held for review or invalidated
(`models.counted_signatures`). Paper lists recorded by staff add to the count and are kept
apart, so every page can mark them. The quorum counts signers of the municipality only
(`Signature.in_municipality`, from the postcode); the others are shown beside it.

These are the exact figures; the count endpoint and the live updates cache them for a second
(`live_count.py`), so many readers cost one query a second, not one each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from participation.extensions import db
from participation.petitions.models import NameShown, PaperList, Signature

_COUNTED = (
    Signature.confirmed_at.is_not(None),
    Signature.held.is_(False),
    Signature.invalidated_at.is_(None),
)


@dataclass(frozen=True)
class Totals:
    online: int  # confirmed signatures that count
    online_in_municipality: int
    paper: int  # from paper lists
    paper_in_municipality: int
    held: int  # confirmed but held for review: not counted until staff release them

    @property
    def total(self) -> int:
        return self.online + self.paper

    @property
    def for_quorum(self) -> int:
        """What the quorum is measured against: signers from the municipality."""
        return self.online_in_municipality + self.paper_in_municipality

    @property
    def outside(self) -> int:
        return self.total - self.for_quorum

    def percent_of(self, quorum: int) -> int:
        """Progress towards the quorum in whole percent (may exceed 100)."""
        return (self.for_quorum * 100) // quorum if quorum > 0 else 100


def totals(petition_id: int) -> Totals:
    municipal = func.coalesce(func.sum(case((Signature.in_municipality.is_(True), 1), else_=0)), 0)
    online, in_municipality = db.session.execute(
        select(func.count(), municipal)
        .where(Signature.petition_id == petition_id, *_COUNTED)
    ).one()
    held = db.session.scalar(
        select(func.count()).where(
            Signature.petition_id == petition_id, Signature.confirmed_at.is_not(None),
            Signature.held.is_(True), Signature.invalidated_at.is_(None),
        )
    )
    paper, paper_in_municipality = db.session.execute(
        select(func.coalesce(func.sum(PaperList.signatures), 0),
               func.coalesce(func.sum(PaperList.in_municipality), 0))
        .where(PaperList.petition_id == petition_id)
    ).one()
    return Totals(int(online), int(in_municipality), int(paper), int(paper_in_municipality), int(held))


def totals_for(petition_ids: list[int]) -> dict[int, int]:
    """Total counts (online and paper) of many petitions at once, for lists: {id: count}."""
    if not petition_ids:
        return {}
    counts = dict.fromkeys(petition_ids, 0)
    online = db.session.execute(
        select(Signature.petition_id, func.count())
        .where(Signature.petition_id.in_(petition_ids), *_COUNTED)
        .group_by(Signature.petition_id)
    )
    paper = db.session.execute(
        select(PaperList.petition_id, func.sum(PaperList.signatures))
        .where(PaperList.petition_id.in_(petition_ids))
        .group_by(PaperList.petition_id)
    )
    for petition_id, count in [*online, *paper]:
        counts[petition_id] += int(count or 0)
    return counts


def online_counts_subquery():
    """(petition_id, signatures) of counted online signatures, for sorting lists by count."""
    return (
        select(Signature.petition_id, func.count().label("signatures"))
        .where(*_COUNTED)
        .group_by(Signature.petition_id)
        .subquery()
    )


@dataclass(frozen=True)
class DayCount:
    day: date
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def by_day(petition_id: int) -> list[DayCount]:
    """Signatures per day (UTC) of confirmation; paper lists on the day they were collected
    (or recorded). Days without signatures are left out; the chart fills them in."""
    day = func.date(Signature.confirmed_at)
    online = {
        _as_date(d): int(n)
        for d, n in db.session.execute(
            select(day, func.count()).where(Signature.petition_id == petition_id, *_COUNTED).group_by(day)
        )
    }
    paper: dict[date, int] = {}
    for paper_list in db.session.scalars(select(PaperList).where(PaperList.petition_id == petition_id)):
        when = (paper_list.collected_on or paper_list.recorded_at).date()
        paper[when] = paper.get(when, 0) + paper_list.signatures
    days = sorted(set(online) | set(paper))
    return [DayCount(d, online.get(d, 0), paper.get(d, 0)) for d in days]


def _as_date(value) -> date:
    # SQLite's date() gives "YYYY-MM-DD", PostgreSQL's a date
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class DistrictCount:
    district: str | None  # None: outside the city or unknown
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def by_district(petition_id: int) -> list[DistrictCount]:
    """Signatures per district (from the postcode; kept after anonymisation), most first;
    paper lists add their district breakdown, the rest of a list counts as unknown."""
    online = {
        d: int(n)
        for d, n in db.session.execute(
            select(Signature.district, func.count())
            .where(Signature.petition_id == petition_id, *_COUNTED)
            .group_by(Signature.district)
        )
    }
    paper: dict[str | None, int] = {}
    for paper_list in db.session.scalars(select(PaperList).where(PaperList.petition_id == petition_id)):
        known = 0
        for district, count in (paper_list.districts or {}).items():
            paper[district] = paper.get(district, 0) + int(count)
            known += int(count)
        if paper_list.signatures > known:
            paper[None] = paper.get(None, 0) + paper_list.signatures - known
    rows = [DistrictCount(d, online.get(d, 0), paper.get(d, 0)) for d in set(online) | set(paper)]
    return sorted(rows, key=lambda row: (row.district is None, -row.total, row.district or ""))


def shown_names(petition_id: int, limit: int = 50) -> list[str]:
    """The newest names signers chose to show: in full or as initials ("A. M.")."""
    rows = db.session.execute(
        select(Signature.name, Signature.name_shown)
        .where(Signature.petition_id == petition_id, *_COUNTED, Signature.name.is_not(None),
               Signature.name_shown != NameShown.HIDDEN.value)
        .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
        .limit(limit)
    )
    return [name if shown == NameShown.FULL.value else initials(name) for name, shown in rows]


def initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split() if part)
