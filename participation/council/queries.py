"""Reads of council data, as select()s. What the public may see is decided here, once:
non-public agenda items and files never leave these functions (`public_*`), and deleted
objects appear only where OParl asks for them (lists filtered by `modified_since`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, func, or_, select

from participation.council.models import (
    AgendaItem,
    Body,
    CouncilSystem,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    PaperConsultation,
    Person,
)
from participation.extensions import db

# The OParl list of a body: name in the URL -> model (the body's own lists, spec 3 Body)
BODY_LISTS = {
    "organization": Organization,
    "person": Person,
    "meeting": Meeting,
    "paper": Paper,
    "legislative-term": LegislativeTerm,
    "agenda-item": AgendaItem,
    "consultation": PaperConsultation,
    "file": File,
    "location": Location,
    "membership": Membership,
}


def system() -> CouncilSystem:
    """The System row, or (until staff save one) a default that is never written: reading the
    API must not write, and its timestamps must not move from one request to the next."""
    found = db.session.scalar(select(CouncilSystem).order_by(CouncilSystem.id).limit(1))
    if found is not None:
        return found
    first = db.session.scalar(select(func.min(Body.created)))
    since = first or datetime(2026, 1, 1, tzinfo=UTC)
    return CouncilSystem(created=since, modified=since)


def visible(model) -> list:
    """Conditions that keep non-public rows out (agenda items, files)."""
    if model is AgendaItem or model is File:
        return [model.public.is_(True)]
    return []


def public_file(file: File | None) -> File | None:
    return file if file is not None and file.public and not file.deleted else None


def public_files(files: list[File]) -> list[File]:
    return [file for file in files if file.public and not file.deleted]


def public_agenda_items(items: list[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.public and not item.deleted]


def bodies() -> Select:
    return select(Body).order_by(Body.id)


def _of_body(model, body_id: int) -> Select:
    """Every row of `model` that belongs to the body: directly, or through what it hangs on."""
    query = select(model)
    if hasattr(model, "body_id"):
        return query.where(model.body_id == body_id)
    if model is AgendaItem:
        return query.join(Meeting, AgendaItem.meeting_id == Meeting.id).where(Meeting.body_id == body_id)
    if model is Membership:
        return query.join(Person, Membership.person_id == Person.id).where(Person.body_id == body_id)
    if model is PaperConsultation:
        return (
            query.outerjoin(Paper, PaperConsultation.paper_id == Paper.id)
            .outerjoin(Meeting, PaperConsultation.meeting_id == Meeting.id)
            .where(or_(Paper.body_id == body_id, Meeting.body_id == body_id))
        )
    raise TypeError(f"no body list of {model.__name__}")


def body_list(
    model,
    body_id: int,
    *,
    created_since: datetime | None = None,
    created_until: datetime | None = None,
    modified_since: datetime | None = None,
    modified_until: datetime | None = None,
) -> Select:
    """An external OParl list, in a stable order (by id). Deleted objects only with
    `modified_since` (spec 2.5, Filter): that is how clients learn of deletions."""
    query = _of_body(model, body_id).where(*visible(model))
    if modified_since is None:
        query = query.where(model.deleted.is_(False))
    for column, bound, after in (
        (model.created, created_since, True),
        (model.created, created_until, False),
        (model.modified, modified_since, True),
        (model.modified, modified_until, False),
    ):
        if bound is not None:
            query = query.where(column >= bound if after else column <= bound)
    return query.order_by(model.id)


def meetings_of_organization(organization_id: int) -> Select:
    from participation.council.models import meeting_organization

    return (
        select(Meeting)
        .join(meeting_organization, meeting_organization.c.meeting_id == Meeting.id)
        .where(meeting_organization.c.organization_id == organization_id, Meeting.deleted.is_(False))
        .order_by(Meeting.start.desc(), Meeting.id)
    )


def file_owners(file_id: int) -> dict[str, list[int]]:
    """Where a file is attached: {"meeting": ids, "agenda_item": ids, "paper": ids} (public only)."""
    from participation.council.models import agenda_item_file, meeting_file, paper_file

    meetings = set(
        db.session.scalars(select(meeting_file.c.meeting_id).where(meeting_file.c.file_id == file_id))
    )
    meetings |= set(
        db.session.scalars(
            select(Meeting.id).where(
                or_(
                    Meeting.invitation_id == file_id,
                    Meeting.results_protocol_id == file_id,
                    Meeting.verbatim_protocol_id == file_id,
                )
            )
        )
    )
    items = set(
        db.session.scalars(
            select(agenda_item_file.c.agenda_item_id).where(agenda_item_file.c.file_id == file_id)
        )
    )
    items |= set(db.session.scalars(select(AgendaItem.id).where(AgendaItem.resolution_file_id == file_id)))
    if items:
        items = set(
            db.session.scalars(
                select(AgendaItem.id).where(AgendaItem.id.in_(items), AgendaItem.public.is_(True))
            )
        )
    papers = set(db.session.scalars(select(paper_file.c.paper_id).where(paper_file.c.file_id == file_id)))
    papers |= set(db.session.scalars(select(Paper.id).where(Paper.main_file_id == file_id)))
    return {"meeting": sorted(meetings), "agenda_item": sorted(items), "paper": sorted(papers)}
