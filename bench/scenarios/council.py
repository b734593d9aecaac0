"""Council pages: a meeting with 60 agenda items, and a paper with a long consultation history.

The demo's meetings have a dozen items; a Ratsversammlung of a big city often has sixty, each
with a paper, a consultation and files, some of them non-public. This scenario adds such a
meeting, and a paper that went through ten meetings with files on each, straight into the
bench database through the models, then loads both pages anonymously.

Target (issue 11): each page at >= 25 % of bare Flask throughput in the same run.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from bench.harness import compare_with_bare
from bench.server import DATABASE_URL

MIN_RATIO = 0.25
ITEMS = 60
HISTORY = 10


def seed(database_url: str = DATABASE_URL) -> tuple[int, int]:
    """Add the big meeting and the well-travelled paper; returns (meeting id, paper id)."""
    from participation import create_app
    from participation.council.models import (
        AgendaItem,
        Body,
        File,
        Meeting,
        Organization,
        Paper,
        PaperConsultation,
    )
    from participation.extensions import db
    from participation.settings import Settings

    app = create_app(
        Settings.from_env(
            {**os.environ, "DATABASE_URL": database_url},
            env="production",
            secret_key=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        )
    )
    with app.app_context():
        body = db.session.scalar(db.select(Body).order_by(Body.id))
        if body is None:
            body = Body(name="Stadt Leipzig")
            db.session.add(body)
            db.session.flush()
        council = Organization(
            body_id=body.id, name="Ratsversammlung (Benchmark)", organization_type="Gremium"
        )
        db.session.add(council)
        start = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
        meeting = Meeting(
            body_id=body.id,
            name="Ratsversammlung (60 Tagesordnungspunkte)",
            start=start,
            end=start + timedelta(hours=9),
            meeting_state="durchgeführt",
            organizations=[council],
        )
        db.session.add(meeting)
        db.session.flush()
        for number in range(1, ITEMS + 1):
            public = number % 12 != 0  # every twelfth: Grundstücksangelegenheiten, non-public
            files = [
                File(
                    body_id=body.id,
                    name=f"Anlage {number}.{k}",
                    file_name=f"anlage-{number}-{k}.pdf",
                    mime_type="application/pdf",
                    date=date(2026, 11, 1),
                    size=20_000 + k,
                    access_url=f"https://ratsinfo.example/files/{number}-{k}.pdf",
                    public=public,
                )
                for k in (1, 2)
            ]
            item = AgendaItem(
                meeting_id=meeting.id,
                number=f"{number // 10 + 1}.{number % 10}",
                order=number,
                name=f"Vorlage {number}: Sanierung und Ausbau im Stadtbezirk {number % 10 + 1}",
                public=public,
                result="angenommen" if number % 3 else "vertagt",
                resolution_text="Die Ratsversammlung beschließt die Vorlage in der Fassung "
                "des Fachausschusses."
                if public
                else None,
                auxiliary_files=files,
            )
            paper = Paper(
                body_id=body.id,
                name=f"Sanierung und Ausbau, Vorlage {number}",
                reference=f"VIII-DS-B{number:04d}",
                date=date(2026, 10, 1),
                paper_type="Beschlussvorlage",
                main_file=files[0],
            )
            db.session.add_all([item, paper])
            db.session.flush()
            db.session.add(
                PaperConsultation(
                    paper_id=paper.id,
                    agenda_item_id=item.id,
                    meeting_id=meeting.id,
                    role="Beschlussfassung",
                    authoritative=True,
                    organizations=[council],
                )
            )
        travelled = Paper(
            body_id=body.id,
            name="Haushaltsplan 2027/2028 (Benchmark)",
            reference="VIII-DS-B9999",
            date=date(2026, 9, 1),
            paper_type="Beschlussvorlage",
        )
        db.session.add(travelled)
        db.session.flush()
        for step in range(HISTORY):
            when = start - timedelta(days=7 * (HISTORY - step))
            stop = Meeting(
                body_id=body.id,
                name=f"Fachausschuss Finanzen, Sitzung {step + 1}",
                start=when,
                organizations=[council],
            )
            db.session.add(stop)
            db.session.flush()
            item = AgendaItem(
                meeting_id=stop.id,
                number="3",
                order=3,
                name=travelled.name,
                result="verwiesen",
                auxiliary_files=[
                    File(
                        body_id=body.id,
                        name=f"Stellungnahme {step + 1}",
                        file_name=f"stellungnahme-{step + 1}.pdf",
                        mime_type="application/pdf",
                        access_url=f"https://ratsinfo.example/s/{step}.pdf",
                    )
                ],
            )
            db.session.add(item)
            db.session.flush()
            db.session.add(
                PaperConsultation(
                    paper_id=travelled.id,
                    agenda_item_id=item.id,
                    meeting_id=stop.id,
                    role="Vorberatung",
                    organizations=[council],
                )
            )
        db.session.commit()
        return meeting.id, travelled.id


def run(base_url: str):
    meeting_id, paper_id = seed()
    return compare_with_bare(
        base_url,
        {
            "meeting, 60 items": f"/rat/sitzungen/{meeting_id}",
            "paper, 10 consultations": f"/rat/vorlagen/{paper_id}",
        },
        min_ratio=MIN_RATIO,
    )
