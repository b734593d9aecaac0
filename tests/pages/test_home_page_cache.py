"""The home page for visitors who are not signed in comes from the shared cache until a
consultation, petition, council or project table changes; signed in, it is rendered as before."""

from __future__ import annotations

import pytest
from flask_caching.backends import SimpleCache

from participation.extensions import cache
from tests.conftest import login


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def test_the_home_page_is_kept_for_visitors_and_follows_new_consultations(
    app, caching, count_queries, user_factory
):
    assert app.test_client().get("/").status_code == 200
    with app.app_context(), count_queries() as counter:
        assert app.test_client().get("/").status_code == 200
    assert counter.count == 0
    with app.test_request_context():
        from participation.consultations import services

        consultation = services.save_consultation(
            None,
            title="Neue Ideen für Connewitz",
            summary="Kurz",
            description="Lang",
            map_mode="geographic",
            allowed_kinds=["point"],
            area={
                "type": "Polygon",
                "coordinates": [[[12.3, 51.3], [12.4, 51.3], [12.4, 51.4], [12.3, 51.3]]],
            },
            keep_area=False,
            author=user_factory(role="staff"),
            results="",
        )
        consultation.state = "open"
        from participation.extensions import db

        db.session.commit()
    assert "Neue Ideen für Connewitz" in app.test_client().get("/").get_data(as_text=True)
    signed_in = app.test_client()
    login(signed_in, user_factory())
    with app.app_context(), count_queries() as counter:
        signed_in.get("/")
    assert counter.count > 0  # a signed-in person's page is their own
