"""The meeting and paper pages keep their public parts rendered until the council's data
changes: every kind of write shows at once, ORM changes (staff forms, live results) and plain
statements (the importer's) alike; what depends on who looks is never cached."""

from __future__ import annotations

import pytest
from flask_caching.backends import SimpleCache
from sqlalchemy import update

from participation.council.models import AgendaItem, Paper
from participation.extensions import cache, db
from tests.conftest import login


@pytest.fixture
def caching(app, monkeypatch):
    """A real cache instead of the tests' NullCache."""
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_orm_change_shows_at_once(app, client, council, caching):
    path = f"/rat/sitzungen/{council.past_meeting}"
    assert "Radverkehrsanlagen in der Karl-Liebknecht-Straße" in page(client, path)
    assert "Radverkehrsanlagen in der Karl-Liebknecht-Straße" in page(client, path)  # from the cache
    with app.app_context():
        db.session.get(
            AgendaItem, council.public_item
        ).name = "Radweg Karl-Liebknecht-Straße, zweiter Abschnitt"
        db.session.commit()
    assert "Radweg Karl-Liebknecht-Straße, zweiter Abschnitt" in page(client, path)


def test_a_plain_statement_shows_at_once(app, client, council, caching):
    path = f"/rat/vorlagen/{council.paper}"
    assert ">VIII-DS-01234</dd>" in page(client, path)
    with app.app_context():
        db.session.execute(update(Paper).where(Paper.id == council.paper).values(reference="VIII-DS-09999"))
        db.session.commit()
    body = page(client, path)
    assert ">VIII-DS-09999</dd>" in body and ">VIII-DS-01234</dd>" not in body  # the cached facts


def test_what_depends_on_the_visitor_is_not_cached(app, client, council, caching, user_factory):
    path = f"/rat/sitzungen/{council.past_meeting}"
    assert "/rat/verwaltung/sitzungen/" not in page(client, path)
    login(client, user_factory(role="staff"))
    assert f"/rat/verwaltung/sitzungen/{council.past_meeting}" in page(client, path)  # the staff's edit link
    client.get("/logout")
    anonymous = app.test_client()
    assert "/rat/verwaltung/sitzungen/" not in page(anonymous, path)


def test_each_language_has_its_own(app, council, caching):
    path = f"/rat/sitzungen/{council.past_meeting}"
    german = app.test_client().get(path, headers={"Accept-Language": "de"}).get_data(as_text=True)
    english = app.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Tagesordnung" in german and ">Agenda<" in english
