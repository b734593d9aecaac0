"""`flask petitions close-due` and `anonymize`, and the schedule that runs them."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import Petition, PetitionState


def test_close_due_closes_petitions_whose_deadline_passed(app, petition_factory):
    due = petition_factory(state=PetitionState.OPEN, closes_at=utcnow() - timedelta(minutes=1))
    running = petition_factory(state=PetitionState.OPEN)
    result = app.test_cli_runner().invoke(args=["petitions", "close-due"])
    assert result.exit_code == 0, result.output
    assert "closed 1 petition(s)" in result.output
    with app.app_context():
        assert db.session.get(Petition, due).state == PetitionState.CLOSED.value  # no signatures
        assert db.session.get(Petition, running).state == PetitionState.OPEN.value


def test_anonymize_command_commits(app, petition_factory):
    petition_id = petition_factory(state=PetitionState.CLOSED, signatures=2,
                                   closed_at=utcnow() - timedelta(days=365))
    result = app.test_cli_runner().invoke(args=["petitions", "anonymize"])
    assert result.exit_code == 0 and "of 1 petition(s)" in result.output
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Petition, petition_id).anonymized_at is not None
    again = app.test_cli_runner().invoke(args=["petitions", "anonymize"])
    assert "of 0 petition(s)" in again.output


def test_closing_runs_every_minute_and_anonymising_once_a_day(app):
    queue = app.extensions["jobs"]
    assert {"petitions.close_due", "petitions.anonymize"} <= set(queue.scheduled_names)
    minutes = [datetime(2025, 3, 1, 0, 0) + timedelta(minutes=m) for m in range(24 * 60)]
    runs = [name for minute in minutes for name in queue.due_scheduled(minute)]
    assert runs.count("petitions.close_due") == 24 * 60
    assert runs.count("petitions.anonymize") == 1


def test_a_scheduled_run_commits_and_skips_while_another_process_runs_it(app, petition_factory):
    due = petition_factory(state=PetitionState.OPEN, closes_at=utcnow() - timedelta(minutes=1))
    queue = app.extensions["jobs"]
    lock = queue._lock_key("scheduled.petitions.close_due")
    queue.huey.put_if_empty(lock, time.time())  # held by another process right now
    try:
        assert queue.run_scheduled("petitions.close_due") is False
        with app.app_context():
            assert db.session.get(Petition, due).state == PetitionState.OPEN.value
    finally:
        queue.huey.delete(lock)
    assert queue.run_scheduled("petitions.close_due") is True
    with app.app_context():
        assert db.session.get(Petition, due).state == PetitionState.CLOSED.value


def test_a_lock_left_by_a_killed_process_expires(app, petition_factory):
    due = petition_factory(state=PetitionState.OPEN, closes_at=utcnow() - timedelta(minutes=1))
    queue = app.extensions["jobs"]
    lock = queue._lock_key("scheduled.petitions.close_due")
    queue.huey.put_if_empty(lock, time.time() - 3600)
    assert queue.run_scheduled("petitions.close_due") is True
    with app.app_context():
        assert db.session.get(Petition, due).state == PetitionState.CLOSED.value
