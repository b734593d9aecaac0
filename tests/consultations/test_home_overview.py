"""The home page's overview is cached per language and dropped when what it shows changes."""

import pytest

from participation.consultations import services
from participation.consultations.models import Consultation, State
from participation.extensions import cache, db


@pytest.fixture
def fragment_cache(app):
    """The in-process cache of the embedded setup (the suite itself runs without one)."""
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        cache.clear()
    yield
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})


def _home(client, lang="en"):
    return client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)


def test_the_overview_is_cached_until_a_consultation_changes(client, app, make_consultation, fragment_cache):
    consultation = make_consultation(state="draft", title="Lindenauer Hafen")
    assert "There are no open consultations at the moment." in _home(client)
    assert "Lindenauer" not in _home(client, "de")
    with app.app_context():  # a change that bypasses the services is not seen for a minute
        db.session.get(Consultation, consultation.id).title = "Lindenauer Hafen (neu)"
        db.session.commit()
    assert "Lindenauer Hafen" not in _home(client)
    with app.test_request_context():  # opening it through the service drops the cached overview
        services.change_state(db.session.get(Consultation, consultation.id), State.OPEN)
        db.session.commit()
    assert "Lindenauer Hafen (neu)" in _home(client)
    assert "Lindenauer Hafen (neu)" in _home(client, "de")  # every language was dropped


def test_a_rolled_back_change_keeps_the_cached_overview(client, app, make_consultation, fragment_cache):
    consultation = make_consultation(state="draft", title="Lindenauer Hafen")
    _home(client)
    with app.test_request_context():
        services.change_state(db.session.get(Consultation, consultation.id), State.OPEN)
        db.session.rollback()
        with db.session.begin_nested():
            db.session.get(Consultation, consultation.id).state = "open"  # as if someone else opened it
        db.session.commit()
    assert "Lindenauer Hafen" not in _home(client)  # the cache was not dropped by the rollback
