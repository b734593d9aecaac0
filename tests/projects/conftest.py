"""Project factory, English pages and a throwaway upload folder."""

from __future__ import annotations

from datetime import date

import pytest

from participation.extensions import db
from participation.projects import services
from participation.projects.models import Project

POINT = {"type": "Point", "coordinates": [12.3313, 51.3326]}


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture(autouse=True)
def _uploads_in_tmp(upload_storage):
    return upload_storage


@pytest.fixture
def make_project(app, user_factory):
    def _make(
        title="Umgestaltung Lindenauer Markt",
        *,
        status="in_planning",
        district="Alt-West",
        topic="mobility",
        published=True,
        location=POINT,
        milestones=None,
    ) -> Project:
        with app.test_request_context():
            staff = db.session.merge(user_factory(role="staff"))
            project = services.save_project(
                None,
                author=staff,
                title=title,
                summary="Der Markt wird grüner.",
                body="Mehr **Bäume**.",
                status=status,
                district=district,
                topic=topic,
                location=location,
                budget_eur=1_250_000,
                milestones=milestones
                if milestones is not None
                else [(date(2026, 3, 1), "Bürgerversammlung", True), (date(2027, 5, 1), "Baubeginn", False)],
                consultation_ids=[],
                council_papers=["VII-DS-01234"],
                contact_name="Verkehrs- und Tiefbauamt",
                contact_email="vta@leipzig.de",
                published=published,
            )
            db.session.commit()
            db.session.refresh(project)
            return project

    return _make
