"""Project pages for visitors who are not signed in come from the shared cache until a
project, its update or a comment changes."""

from __future__ import annotations

import pytest
from flask_caching.backends import SimpleCache

from participation.comments import services as comments
from participation.core import targets
from participation.extensions import cache, db


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def test_project_pages_are_kept_until_a_comment_arrives(
    app, caching, count_queries, make_project, user_factory
):
    project = make_project()
    paths = ["/projekte", f"/projekte/{project.slug}"]
    for path in paths:
        assert app.test_client().get(path).status_code == 200
        with app.app_context(), count_queries() as counter:
            assert app.test_client().get(path).status_code == 200
        assert counter.count == 0, path
    with app.test_request_context():
        comments.add_comment(
            targets.resolve("project", project.id), db.session.merge(user_factory()), "Endlich mehr Grün!"
        )
        db.session.commit()
    assert "Endlich mehr Grün!" in app.test_client().get(paths[1]).get_data(as_text=True)


def test_signed_in_the_overview_map_is_kept_until_a_project_changes(app, caching, make_project, user_factory):
    import re

    from tests.conftest import login

    make_project()
    resident = app.test_client()
    login(resident, user_factory())

    def map_name() -> str:
        page = resident.get("/projekte").get_data(as_text=True)
        return re.search(r'class="folium-map[^"]*" id="(map_[0-9a-f]+)"', page).group(1)

    first = map_name()
    assert map_name() == first  # kept
    make_project("Radweg Karl-Heine-Straße")
    assert map_name() != first  # built again with the new project
