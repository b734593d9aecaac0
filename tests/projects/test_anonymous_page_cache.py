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
