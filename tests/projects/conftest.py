"""Project factory, English pages and a throwaway upload folder."""

from __future__ import annotations

from datetime import date

import pytest

from participation.core.uploads import LocalStorage
from participation.extensions import db
from participation.projects import services
from participation.projects.models import Project

POINT = {"type": "Point", "coordinates": [12.3313, 51.3326]}


@pytest.fixture
def client(app):
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture(autouse=True)
def upload_storage(app, tmp_path):
    previous = app.extensions.get("upload_storage")
    store = LocalStorage(tmp_path / "uploads")
    app.extensions["upload_storage"] = store
    yield store
    app.extensions["upload_storage"] = previous


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
