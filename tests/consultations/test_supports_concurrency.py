"""Many simultaneous "support" requests from one person: no error, exactly one row.

This test needs real concurrency, so it cannot live inside the usual rolled-back test
transaction (other connections would not see its rows). It uses Flask-SQLAlchemy's own
session on the real engine: every request thread gets its own session and connection,
the rows are committed, and the test empties the tables again at the end (the test
database holds no committed rows otherwise: every other test rolls back).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, text

from participation.consultations import services
from participation.consultations.models import Consultation, Idea, Support
from participation.extensions import db
from tests.conftest import csrf_token, login, make_user

PARALLEL = 12  # requests at once; within the engine's pool (5 + 10 overflow)


@pytest.fixture
def committing(app, db_session):
    """db.session as in production for the length of the test; all committed rows removed after."""
    rolled_back = db.session
    db.session = db._make_scoped_session({})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0, "committed rows left"
    try:
        yield
    finally:
        with app.app_context():
            db.session.rollback()
            if db.session.get_bind().dialect.name == "postgresql":
                # The audit log's trigger refuses DELETE, as it should for the application;
                # clearing the test's own rows is not an application path (needs a superuser).
                db.session.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()
            db.session.remove()
        db.session = rolled_back


def _idea_and_person(app):
    with app.test_request_context():
        staff = make_user(role="staff")
        consultation = services.save_consultation(
            None, title="Gleichzeitig", summary="", description="", map_mode="geographic",
            allowed_kinds=["point"], area=None, keep_area=False, author=staff, results="",
        )
        consultation.state = "open"
        idea = Idea(consultation_id=consultation.id, author_id=staff.id, title="Bänke", body="Mehr Bänke",
                    kind="point")
        idea.set_geometry({"type": "Point", "coordinates": [12.33, 51.33]})
        db.session.add(idea)
        db.session.commit()
        return f"/beteiligung/{consultation.slug}/ideen/{idea.id}", idea.id, make_user()


def test_simultaneous_supports_give_one_row_and_no_error(app, committing):
    page, idea_id, person = _idea_and_person(app)
    clients = []
    for _ in range(PARALLEL):  # one person in several tabs (or one impatient double click)
        client = app.test_client()
        login(client, person)
        clients.append((client, csrf_token(client, page)))
    start = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def press(client, token):
        start.wait()
        statuses.append(client.post(page + "/unterstuetzen", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * PARALLEL
    with app.app_context():
        assert db.session.scalar(
            select(func.count()).select_from(Support).where(Support.idea_id == idea_id)
        ) == 1
    answer = clients[0][0].get(page).get_data(as_text=True)
    assert 'aria-pressed="true"' in answer
