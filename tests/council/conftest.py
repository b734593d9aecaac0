"""A small council with one of everything OParl knows, for the API, page and importer tests.

`council(app)` makes it and returns the ids by name. It holds what must never be shown: a
non-public agenda item with its file, a non-public file on a paper, and a deleted paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from participation.core.models import utcnow
from participation.council.models import (
    AgendaItem,
    Body,
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


@dataclass(frozen=True)
class Council:
    body: int
    council: int
    committee: int
    group: int
    person: int
    second_person: int
    membership: int
    past_meeting: int
    next_meeting: int
    public_item: int
    secret_item: int
    paper: int
    amendment: int
    deleted_paper: int
    consultation: int
    public_file: int
    secret_file: int
    item_secret_file: int
    location: int
    term: int


def make_council(app) -> Council:
    with app.app_context():
        now = utcnow()
        body = Body(
            name="Stadt Leipzig",
            short_name="Leipzig",
            website="https://www.leipzig.de/",
            ags="14713000",
            contact_email="ratsinfo@leipzig.example",
            contact_name="Ratsbüro",
            classification="Stadt",
        )
        db.session.add(body)
        db.session.flush()
        hall = Location(
            body_id=body.id,
            description="Neues Rathaus, Festsaal",
            street_address="Martin-Luther-Ring 4-6",
            postal_code="04109",
            locality="Leipzig",
            room="Festsaal",
            geojson={
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.3731, 51.3358]},
                "properties": {},
            },
        )
        db.session.add(hall)
        db.session.flush()
        body.location_id = hall.id
        term = LegislativeTerm(
            body_id=body.id,
            name="Wahlperiode 2024–2029",
            start_date=date(2024, 7, 1),
            end_date=date(2029, 6, 30),
        )
        council = Organization(
            body_id=body.id,
            name="Ratsversammlung",
            short_name="RV",
            organization_type="Gremium",
            classification="Stadtrat",
            location_id=hall.id,
        )
        committee = Organization(
            body_id=body.id,
            name="Fachausschuss Stadtentwicklung und Bau",
            short_name="FA SBB",
            organization_type="Gremium",
            classification="Ausschuss",
        )
        group = Organization(
            body_id=body.id,
            name="Fraktion Grünes Leipzig",
            short_name="Grüne",
            organization_type="Fraktion",
            classification="Fraktion",
        )
        person = Person(
            body_id=body.id,
            name="Dr. Marie Beispiel",
            given_name="Marie",
            family_name="Beispiel",
            title=["Dr."],
            form_of_address="Frau",
            gender="female",
            status=["Stadträtin"],
        )
        second = Person(
            body_id=body.id,
            name="Paul Muster",
            given_name="Paul",
            family_name="Muster",
            form_of_address="Herr",
            status=["Stadtrat"],
        )
        db.session.add_all([term, council, committee, group, person, second])
        db.session.flush()
        membership = Membership(
            person_id=person.id,
            organization_id=committee.id,
            role="Vorsitzende",
            voting_right=True,
            start_date=date(2024, 7, 1),
            on_behalf_of_id=group.id,
        )
        db.session.add_all(
            [
                membership,
                Membership(
                    person_id=person.id,
                    organization_id=council.id,
                    role="Mitglied",
                    voting_right=True,
                    start_date=date(2024, 7, 1),
                ),
                Membership(
                    person_id=second.id,
                    organization_id=council.id,
                    role="Mitglied",
                    voting_right=True,
                    start_date=date(2024, 7, 1),
                    end_date=date(2025, 3, 31),
                ),
            ]
        )
        public_file = File(
            body_id=body.id,
            name="Beschlussvorlage",
            file_name="vorlage.pdf",
            mime_type="application/pdf",
            date=date(2026, 10, 1),
            size=1234,
            access_url="https://ratsinfo.leipzig.example/files/1.pdf",
        )
        secret_file = File(
            body_id=body.id,
            name="Vertrauliche Anlage",
            file_name="anlage.pdf",
            mime_type="application/pdf",
            public=False,
            access_url="https://ratsinfo.leipzig.example/files/2.pdf",
        )
        item_secret_file = File(
            body_id=body.id,
            name="Grundstückswerte",
            file_name="werte.pdf",
            mime_type="application/pdf",
            public=False,
            access_url="https://ratsinfo.leipzig.example/files/3.pdf",
        )
        db.session.add_all([public_file, secret_file, item_secret_file])
        db.session.flush()
        start = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
        past = Meeting(
            body_id=body.id,
            name="Ratsversammlung",
            meeting_state="durchgeführt",
            start=start,
            end=start + timedelta(hours=5),
            location_id=hall.id,
            organizations=[council],
            participants=[person, second],
            results_protocol=public_file,
        )
        upcoming = Meeting(
            body_id=body.id,
            name="Fachausschuss Stadtentwicklung und Bau",
            meeting_state="eingeladen",
            start=now + timedelta(days=7),
            end=now + timedelta(days=7, hours=3),
            organizations=[committee],
        )
        db.session.add_all([past, upcoming])
        db.session.flush()
        public_item = AgendaItem(
            meeting_id=past.id,
            number="5.1",
            order=1,
            name="Radverkehrsanlagen in der Karl-Liebknecht-Straße",
            public=True,
            result="angenommen",
            resolution_text="Die Ratsversammlung beschließt …",
            auxiliary_files=[public_file],
        )
        secret_item = AgendaItem(
            meeting_id=past.id,
            number="12",
            order=2,
            name="Grundstücksangelegenheiten",
            public=False,
            auxiliary_files=[item_secret_file],
        )
        paper = Paper(
            body_id=body.id,
            name="Radverkehrsanlagen in der Karl-Liebknecht-Straße",
            reference="VIII-DS-01234",
            date=date(2026, 10, 1),
            paper_type="Beschlussvorlage",
            main_file=public_file,
            auxiliary_files=[secret_file],
            originator_organizations=[committee],
            locations=[hall],
        )
        amendment = Paper(
            body_id=body.id,
            name="Änderungsantrag zu VIII-DS-01234",
            reference="VIII-DS-01234-ÄA-01",
            date=date(2026, 10, 20),
            paper_type="Änderungsantrag",
            originator_persons=[person],
        )
        deleted_paper = Paper(
            body_id=body.id, name="Zurückgezogener Antrag", reference="VIII-A-00999", deleted=True
        )
        db.session.add_all([public_item, secret_item, paper, amendment, deleted_paper])
        db.session.flush()
        paper.subordinated_papers = [amendment]
        consultation = PaperConsultation(
            paper_id=paper.id,
            agenda_item_id=public_item.id,
            meeting_id=past.id,
            authoritative=True,
            role="Beschlussfassung",
            organizations=[council],
        )
        db.session.add(consultation)
        db.session.commit()
        return Council(
            body=body.id,
            council=council.id,
            committee=committee.id,
            group=group.id,
            person=person.id,
            second_person=second.id,
            membership=membership.id,
            past_meeting=past.id,
            next_meeting=upcoming.id,
            public_item=public_item.id,
            secret_item=secret_item.id,
            paper=paper.id,
            amendment=amendment.id,
            deleted_paper=deleted_paper.id,
            consultation=consultation.id,
            public_file=public_file.id,
            secret_file=secret_file.id,
            item_secret_file=item_secret_file.id,
            location=hall.id,
            term=term.id,
        )


@pytest.fixture
def council(app) -> Council:
    return make_council(app)
