"""The council's papers, persons and organisations, and what the pages share (register).

Deleted objects answer 410 and are never linked; non-public agenda items and files never
leave queries.py's `public_*` functions, so no page can show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.comments import COMMENTS_VERSION_GROUP
from participation.core import features
from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.models import utcnow
from participation.core.pagination import paginate
from participation.council import display, loading, page_cache, page_queries, queries
from participation.council.blueprint import bp
from participation.council.models import AgendaItem, Meeting, Organization, Paper, PaperConsultation, Person
from participation.extensions import db

MEETINGS_PER_PAGE = 20


def register(app: Flask) -> None:
    """The feature card and the home page's next meeting (called by init_app)."""
    app.add_template_global(next_council_meeting)
    features.register(app, features.Feature(
        "council",
        title=_l("City council"),
        index_endpoint="council.meetings",
        promise=_l("See when the city council meets and what it decides."),
        manage_endpoint="council.staff_overview",  # staff_views.py
        manage_label=_l("Meetings, papers, persons and committees"),
        create_endpoint="council.staff_new_meeting",
        create_label=_l("New meeting"),
    ))


def next_council_meeting() -> Meeting | None:
    """The next meeting that takes place, for the home page's card."""
    return db.session.scalars(page_queries.next_meeting(utcnow())).first()


@bp.context_processor
def council_helpers() -> dict:
    return {
        "public_file": queries.public_file,
        "public_files": queries.public_files,
        "papers_of": loading.papers_of,
        "listed": loading.listed,
        "local_date": display.local_date,
        "file_kind": display.file_kind,
        "file_size": display.file_size,
    }


@dataclass(frozen=True)
class ConsultationRow:
    """One step of a paper's passage through the council, as its page shows it."""

    meeting: Meeting | None
    organizations: list[Organization]
    role: str | None
    authoritative: bool | None
    item: AgendaItem | None  # None when the agenda item is not public


def _consultation_rows(consultations: list[PaperConsultation]) -> list[ConsultationRow]:
    rows = []
    for consultation in loading.listed(consultations):
        meeting = consultation.meeting if consultation.meeting and not consultation.meeting.deleted else None
        item = consultation.agenda_item
        public_item = item if item is not None and queries.public_agenda_items([item]) else None
        organizations = loading.listed(consultation.organizations) or (
            loading.listed(meeting.organizations) if meeting else []
        )
        rows.append(ConsultationRow(meeting, organizations, consultation.role, consultation.authoritative,
                                    public_item))
    never = datetime.max.replace(tzinfo=UTC)  # steps without a meeting date come last
    return sorted(rows, key=lambda row: (row.meeting.start or never) if row.meeting else never)


@bp.get("/rat/vorlagen/<int:paper_id>")
@cached_for_anonymous([page_cache.GROUP, COMMENTS_VERSION_GROUP])
def paper(paper_id: int):
    found = loading.shown_or_gone(select(Paper).where(Paper.id == paper_id))
    parts = page_cache.sections("paper", found.id, lambda: _paper_sections(paper_id))
    return render_template("council/paper.html", paper=found, paper_body=parts["body"])


def _paper_sections(paper_id: int) -> dict[str, str]:
    """The paper page's public parts, loaded in full and rendered (page_cache keeps them)."""
    found = db.session.scalars(page_queries.paper_page(paper_id)).one()
    body = render_template(
        "council/_paper_body.html",
        paper=found,
        main_file=queries.public_file(found.main_file),
        auxiliary_files=queries.public_files(found.auxiliary_files),
        consultations=_consultation_rows(found.consultations),
        superordinated=loading.listed(found.superordinated_papers),
        subordinated=loading.listed(found.subordinated_papers),
        related=loading.listed(found.related_papers),
        persons=loading.listed(found.originator_persons),
        originators=loading.listed(found.originator_organizations),
        under_direction_of=loading.listed(found.under_direction_of),
        locations=loading.listed(found.locations),
    )
    return {"body": body}


@bp.get("/rat/personen/<int:person_id>")
def person(person_id: int):
    found = loading.shown_or_gone(db.select(Person).where(Person.id == person_id))
    memberships = list(db.session.scalars(page_queries.person_memberships(found.id)))
    today = display.today()
    return render_template(
        "council/person.html",
        person=found,
        current=[m for m in memberships if not page_queries.has_ended(m, today)],
        past=[m for m in memberships if page_queries.has_ended(m, today)][::-1],  # the latest first
    )


@bp.get("/rat/gremien")
def organizations():
    everyone = list(db.session.scalars(page_queries.organizations()))
    committees = [o for o in everyone if o.organization_type == page_queries.COMMITTEE_TYPE]
    groups = [o for o in everyone if o.organization_type == page_queries.GROUP_TYPE]
    others = [o for o in everyone if o not in committees and o not in groups]
    return render_template(
        "council/organizations.html", committees=committees, groups=groups, others=others,
        today=display.today(),
    )


@bp.get("/rat/gremien/<int:organization_id>")
def organization(organization_id: int):
    found = loading.shown_or_gone(db.select(Organization).where(Organization.id == organization_id))
    return render_template(
        "council/organization.html",
        organization=found,
        members=list(db.session.scalars(page_queries.current_members(found.id, display.today()))),
        page=paginate(page_queries.meetings_of(found.id), per_page=MEETINGS_PER_PAGE),
        parent=next(iter(loading.listed([found.sub_organization_of])), None),
    )
