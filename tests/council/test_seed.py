"""The demo council (`flask seed demo`): a whole Leipzig-like council with past meetings and
their results, the next Ratsversammlung ready to be run live, and non-public items and files
that exist for staff but never reach a page."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import url_for
from sqlalchemy import func, select

from participation.core.models import utcnow
from participation.council import queries
from participation.council.live_models import LiveSession
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
from participation.council.seed import seed_council
from participation.extensions import db
from participation.seed import SEEDS_DIR

COUNCIL_MODELS = (
    CouncilSystem,
    Body,
    LegislativeTerm,
    Location,
    Organization,
    Person,
    Membership,
    Meeting,
    AgendaItem,
    Paper,
    PaperConsultation,
    File,
)


@pytest.fixture
def seeded(app, upload_storage) -> dict[str, int]:
    with app.app_context():
        counts = seed_council(SEEDS_DIR)
        db.session.commit()
    return counts


def _organizations(classification: str) -> list[Organization]:
    return list(db.session.scalars(select(Organization).where(Organization.classification == classification)))


def _upcoming() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.start > utcnow()).order_by(Meeting.start)))


def _next_council_meeting() -> Meeting:
    return next(m for m in _upcoming() if m.organizations[0].classification == "Stadtrat")


def _sizes() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNCIL_MODELS
    }


def test_the_demo_council_has_its_organisations_and_every_councillor_a_seat(app, seeded):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Body)) == 1
        assert db.session.scalar(select(func.count()).select_from(CouncilSystem)) == 1
        (council,) = _organizations("Stadtrat")
        committees, groups = _organizations("Ausschuss"), _organizations("Fraktion")
        assert len(committees) == 6 and all(c.sub_organization_of_id == council.id for c in committees)
        assert len(groups) == 7 and {g.organization_type for g in groups} == {
            "Fraktion"
        }  # what the console asks
        for committee in committees:
            assert [m.role for m in committee.memberships].count("Vorsitzende/r") == 1, committee.name
        persons = list(db.session.scalars(select(Person)))
        assert len(persons) >= 40 and seeded["council_persons"] == len(persons)
        group_ids = {g.id for g in groups}
        for person in persons:
            organizations = [m.organization_id for m in person.memberships]
            assert council.id in organizations, person.name
            assert len([o for o in organizations if o in group_ids]) == 1, person.name
            assert person.form_of_address in ("Frau", "Herr") and person.oparl_id is None
            assert person.web.endswith(f"/rat/personen/{person.id}")  # local: no oparl_id, its page
        assert any(person.title for person in persons)
        in_committees = Counter(m.person_id for c in committees for m in c.memberships)
        assert len(in_committees) > len(persons) / 2 and max(in_committees.values()) <= 2


def test_past_meetings_have_agendas_results_and_a_protocol(app, seeded):
    with app.app_context():
        past = list(db.session.scalars(select(Meeting).where(Meeting.start < utcnow())))
        assert 8 <= len(past) <= 12
        assert {m.organizations[0].classification for m in past} == {"Stadtrat", "Ausschuss"}
        results = Counter(item.result for meeting in past for item in meeting.agenda_items)
        assert {"angenommen", "abgelehnt", "vertagt"} <= set(results)
        for meeting in past:
            assert meeting.agenda_items and meeting.participants and meeting.end > meeting.start
            assert queries.public_file(meeting.results_protocol) is not None
        papers = list(db.session.scalars(select(Paper)))
        assert {"Beschlussvorlage", "Antrag", "Anfrage", "Informationsvorlage"} <= {
            p.paper_type for p in papers
        }
        assert all(re.fullmatch(r"VIII-(DS|A|F|Info)-\d{5}(-ÄA-\d\d)?", p.reference) for p in papers)
        assert max(len(p.consultations) for p in papers) >= 3  # through committees to the council


def test_the_next_ratsversammlung_is_ready_to_run_live(app, seeded):
    with app.app_context():
        meeting = _next_council_meeting()
        assert 0 < (meeting.start - utcnow()).days < 10
        public = queries.public_agenda_items(meeting.agenda_items)
        assert len(public) >= 8 and all(item.number for item in public)
        assert sum(1 for item in public if item.consultations) >= 2
        assert any(not item.public for item in meeting.agenda_items)
        assert db.session.scalar(select(LiveSession).where(LiveSession.meeting_id == meeting.id)) is None


def test_non_public_items_and_files_exist_but_never_leave_queries(app, seeded, client):
    with app.test_request_context():
        hidden_items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.public.is_(False))))
        hidden_files = list(db.session.scalars(select(File).where(File.public.is_(False))))
        assert hidden_items and hidden_files
        for meeting in {item.meeting for item in hidden_items}:
            assert not set(queries.public_agenda_items(meeting.agenda_items)) & set(hidden_items)
        papers = list(db.session.scalars(select(Paper)))
        owners = [item.auxiliary_files for item in hidden_items] + [paper.auxiliary_files for paper in papers]
        assert not {file for files in owners for file in queries.public_files(files)} & set(hidden_files)
        shown = db.session.scalar(select(File).where(File.public.is_(True)).limit(1))
        files = [
            (url_for("oparl.file_access", file_id=file.id), file.public) for file in [shown, *hidden_files]
        ]
        pages = [url_for("council.meeting", meeting_id=m.id) for m in db.session.scalars(select(Meeting))]
        pages += [url_for("council.paper", paper_id=paper.id) for paper in papers]
        hidden_names = [item.name for item in hidden_items] + [file.name for file in hidden_files]
    for url, public in files:
        response = client.get(url)
        assert response.status_code == (200 if public else 404), url
        if public:
            assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-1.4")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not [name for name in hidden_names if name in response.get_data(as_text=True)], url


def test_the_public_pages_show_the_demo_council(app, seeded, client):
    with app.app_context():
        meeting = _next_council_meeting()
        item = next(i for i in meeting.agenda_items if i.public and i.consultations)
        paper = item.consultations[0].paper
        meeting_id, item_name, paper_id, paper_reference = meeting.id, item.name, paper.id, paper.reference
    listing = client.get("/rat/sitzungen")
    assert listing.status_code == 200 and f"/rat/sitzungen/{meeting_id}" in listing.get_data(as_text=True)
    page = client.get(f"/rat/sitzungen/{meeting_id}")
    assert page.status_code == 200 and item_name in page.get_data(as_text=True)
    paper_page = client.get(f"/rat/vorlagen/{paper_id}")
    assert paper_page.status_code == 200 and paper_reference in paper_page.get_data(as_text=True)


def test_seeding_the_demo_twice_adds_nothing_the_second_time(app, upload_storage):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "council_meetings +" in first.output and "council_meetings +0" not in first.output
    with app.app_context():
        before = _sizes()
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert re.search(r"council_\w+ \+[1-9]", second.output) is None, second.output
    with app.app_context():
        assert _sizes() == before
