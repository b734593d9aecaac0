"""Reads for the public council pages, as select()s.

What the public may see is decided in queries.py (`public_file`, `public_files`,
`public_agenda_items`); the selects here add what the pages need on top: deleted objects
are never listed, meetings are split into upcoming and past at a moment the caller gives
(the start of today in Leipzig), and what a page shows is loaded with it, not row by row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from participation.council.models import (
    AgendaItem,
    Meeting,
    Membership,
    Organization,
    Paper,
    PaperConsultation,
    Person,
    meeting_organization,
)

# OParl's organizationType values the organisations page gives sections of their own
COMMITTEE_TYPE = "Gremium"
GROUP_TYPE = "Fraktion"


def _listed_meetings(organization_id: int | None) -> Select:
    query = select(Meeting).where(Meeting.deleted.is_(False)).options(
        selectinload(Meeting.organizations), selectinload(Meeting.location)
    )
    if organization_id is not None:
        query = query.where(
            exists().where(
                meeting_organization.c.meeting_id == Meeting.id,
                meeting_organization.c.organization_id == organization_id,
            )
        )
    return query


def upcoming_meetings(since: datetime, organization_id: int | None = None) -> Select:
    """Meetings from `since` on, the soonest first; those without a date yet come last."""
    return (
        _listed_meetings(organization_id)
        .where(or_(Meeting.start >= since, Meeting.start.is_(None)))
        .order_by(Meeting.start.is_(None), Meeting.start, Meeting.id)
    )


def past_meetings(before: datetime, organization_id: int | None = None) -> Select:
    """Meetings that began before `before`, the latest first."""
    return _listed_meetings(organization_id).where(Meeting.start < before).order_by(
        Meeting.start.desc(), Meeting.id.desc()
    )


def meetings_between(start: datetime, end: datetime, organization_id: int | None = None) -> Select:
    """Meetings that begin in [start, end): one month of the calendar."""
    return (
        _listed_meetings(organization_id)
        .where(Meeting.start >= start, Meeting.start < end)
        .order_by(Meeting.start, Meeting.id)
    )


def next_meeting(now: datetime) -> Select:
    """The next meeting that takes place (the home page's card)."""
    return (
        select(Meeting)
        .where(Meeting.deleted.is_(False), Meeting.cancelled.is_(False), Meeting.start >= now)
        .order_by(Meeting.start, Meeting.id)
        .limit(1)
    )


def organizations_with_meetings() -> Select:
    """The organisations the meetings list can be filtered by: those that have meetings."""
    has_meeting = exists().where(
        meeting_organization.c.organization_id == Organization.id,
        meeting_organization.c.meeting_id == Meeting.id,
        Meeting.deleted.is_(False),
    )
    return (
        select(Organization)
        .where(Organization.deleted.is_(False), has_meeting)
        .order_by(Organization.name, Organization.id)
    )


def organizations() -> Select:
    """Every organisation that is not deleted, by name (the page sections them by type)."""
    return select(Organization).where(Organization.deleted.is_(False)).order_by(
        Organization.name, Organization.id
    )


def meeting_page(meeting_id: int) -> Select:
    """A meeting with its agenda, the agenda's papers and files, its documents and people."""
    items = selectinload(Meeting.agenda_items)
    return (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            items.selectinload(AgendaItem.consultations).selectinload(PaperConsultation.paper),
            items.selectinload(AgendaItem.auxiliary_files),
            items.selectinload(AgendaItem.resolution_file),
            selectinload(Meeting.organizations),
            selectinload(Meeting.participants),
            selectinload(Meeting.auxiliary_files),
            selectinload(Meeting.location),
            selectinload(Meeting.invitation),
            selectinload(Meeting.results_protocol),
            selectinload(Meeting.verbatim_protocol),
        )
    )


def paper_page(paper_id: int) -> Select:
    consultations = selectinload(Paper.consultations)
    return (
        select(Paper)
        .where(Paper.id == paper_id)
        .options(
            consultations.selectinload(PaperConsultation.meeting).selectinload(Meeting.organizations),
            consultations.selectinload(PaperConsultation.agenda_item),
            consultations.selectinload(PaperConsultation.organizations),
            selectinload(Paper.main_file),
            selectinload(Paper.auxiliary_files),
            selectinload(Paper.locations),
            selectinload(Paper.originator_persons),
            selectinload(Paper.originator_organizations),
            selectinload(Paper.under_direction_of),
            selectinload(Paper.related_papers),
            selectinload(Paper.superordinated_papers),
            selectinload(Paper.subordinated_papers),
        )
    )


def person_memberships(person_id: int) -> Select:
    """A person's memberships in organisations that exist, earliest first."""
    return (
        select(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(
            Membership.person_id == person_id,
            Membership.deleted.is_(False),
            Organization.deleted.is_(False),
        )
        .options(selectinload(Membership.organization), selectinload(Membership.on_behalf_of))
        .order_by(Membership.start_date, Membership.id)
    )


def _current(today: date):
    return and_(
        or_(Membership.start_date.is_(None), Membership.start_date <= today),
        or_(Membership.end_date.is_(None), Membership.end_date >= today),
    )


def current_members(organization_id: int, today: date) -> Select:
    """An organisation's memberships of today, by the members' family names."""
    return (
        select(Membership)
        .join(Person, Membership.person_id == Person.id)
        .where(
            Membership.organization_id == organization_id,
            Membership.deleted.is_(False),
            Person.deleted.is_(False),
            _current(today),
        )
        .options(selectinload(Membership.person), selectinload(Membership.on_behalf_of))
        .order_by(Person.family_name, Person.name, Membership.id)
    )


def has_ended(membership: Membership, today: date) -> bool:
    """A past membership: its end date has passed (the person page lists those apart)."""
    return membership.end_date is not None and membership.end_date < today


def meetings_of(organization_id: int) -> Select:
    """An organisation's meetings, the latest first (its page)."""
    return _listed_meetings(organization_id).order_by(
        Meeting.start.is_(None), Meeting.start.desc(), Meeting.id.desc()
    )
