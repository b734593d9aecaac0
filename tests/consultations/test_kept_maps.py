"""The consultation's map is built once per language and kept until the consultation's data
changes; every page still gets its own CSP nonce."""

from __future__ import annotations

import re

import pytest
from flask_caching.backends import SimpleCache

from participation.consultations import services
from participation.extensions import cache, db
from tests.conftest import login


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def map_name(page: str) -> str:
    return re.search(r'class="folium-map[^"]*" id="(map_[0-9a-f]+)"', page).group(1)


def test_the_map_is_kept_until_staff_change_the_consultation(app, caching, make_consultation, user_factory):
    consultation = make_consultation()
    resident = app.test_client()
    login(resident, user_factory())
    path = f"/beteiligung/{consultation.slug}"
    first = resident.get(path)
    second = resident.get(path)
    assert map_name(first.get_data(as_text=True)) == map_name(second.get_data(as_text=True))  # kept
    nonce = re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in second.get_data(as_text=True)  # the map's script runs
    with app.test_request_context():
        services.add_category(db.session.merge(consultation), "Spielplätze", "#0055aa")
        db.session.commit()
    third = resident.get(path).get_data(as_text=True)
    assert map_name(third) != map_name(second.get_data(as_text=True))  # built again
