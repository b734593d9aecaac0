"""Signing through the intake (Redis, as in production): the request queues, a job signs."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import update

from participation.core import intake
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import signing_intake
from participation.petitions.models import Petition, PetitionState
from tests.conftest import login
from tests.petitions import signing_helpers
from tests.petitions.signing_helpers import confirm_by_mail, counted, post_signature, sign_url, signatures

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")  # tests/core/test_jobs.py's db
SENT = "/petitionen/{}/unterschrieben"
site_settings = signing_helpers.site_settings  # a fixture


@pytest.fixture
def app(app_factory):
    """The suite's app, but with its jobs and intake in Redis, as `flask jobs worker` runs them."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"these tests need Redis at {REDIS_URL} (TEST_REDIS_URL)")
    name = f"test-intake-{uuid.uuid4().hex[:8]}"
    yield app_factory(jobs_mode="worker", jobs_redis_url=REDIS_URL, jobs_name=name)  # the suite's database
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{name}*"):
        store.delete(key)


@pytest.fixture
def open_petition(petition_factory):
    return petition_factory(PetitionState.OPEN)


def waiting(app) -> int:
    with app.app_context():
        return intake.waiting(signing_intake.INTAKE)


def run_jobs(app) -> int:
    return app.extensions["jobs"].run_pending()


def test_the_request_only_queues_and_a_job_signs_and_mails(english_client, app, open_petition, outbox):
    response = post_signature(english_client, sign_url(open_petition), "Anna.Schreiber@Example.ORG")
    assert (response.status_code, response.headers["Location"]) == (303, SENT.format(open_petition))
    assert signatures(app, open_petition) == [] and waiting(app) == 1 and outbox.messages == []
    assert run_jobs(app) == 1  # the drain the request announced
    [stored] = signatures(app, open_petition)
    assert (stored.email, stored.district, stored.email_domain, stored.held) == (
        "Anna.Schreiber@example.org", "Süd", "example.org", False)
    assert stored.ip_hash and stored.confirmed_at is None and waiting(app) == 0
    [mail] = outbox.messages
    assert mail["Subject"] == "Please confirm your signature"  # in the language the person signed in
    assert confirm_by_mail(english_client, outbox, "Anna.Schreiber@example.org").status_code == 303
    assert counted(app, open_petition) == 1


def test_many_submissions_wait_for_one_drain_and_a_second_attempt_is_one_signature(
        client, app, open_petition, outbox):
    for address in ("jana@example.org", "ole@example.org", " JANA@Example.org "):
        assert post_signature(client, sign_url(open_petition), address).status_code == 303
    assert waiting(app) == 3 and app.extensions["jobs"].pending() == 1
    run_jobs(app)
    assert [s.email for s in signatures(app, open_petition)] == ["jana@example.org", "ole@example.org"]
    assert sorted(m["To"] for m in outbox.messages) == [
        "jana@example.org", "jana@example.org", "ole@example.org"]


def test_a_form_with_errors_comes_back_filled_in_and_queues_nothing(english_client, app, open_petition):
    response = post_signature(english_client, sign_url(open_petition), "not-an-address",
                              name="Anna Schreiber")
    assert response.status_code == 422
    assert 'value="Anna Schreiber"' in response.get_data(as_text=True)
    assert waiting(app) == 0


def test_a_filled_in_honeypot_looks_accepted_and_queues_nothing(client, app, open_petition):
    response = post_signature(client, sign_url(open_petition), "bot@example.org", website="https://spam.example")
    assert response.status_code == 303 and waiting(app) == 0 and app.extensions["jobs"].pending() == 0


def _close(app, petition_id, at):
    with app.app_context():
        db.session.execute(update(Petition).where(Petition.id == petition_id)
                           .values(state=PetitionState.CLOSED.value, closed_at=at))
        db.session.commit()


def test_a_submission_made_before_the_close_counts_when_the_job_comes_after_it(client, app, open_petition,
                                                                              outbox):
    post_signature(client, sign_url(open_petition), "jana@example.org")
    _close(app, open_petition, utcnow())
    run_jobs(app)
    assert [s.email for s in signatures(app, open_petition)] == ["jana@example.org"]
    assert confirm_by_mail(client, outbox, "jana@example.org").status_code == 303  # within the grace period
    assert counted(app, open_petition) == 1


def test_a_submission_made_after_the_close_is_not_taken(client, app, open_petition, outbox):
    post_signature(client, sign_url(open_petition), "jana@example.org")  # the cache said open a moment ago
    _close(app, open_petition, utcnow() - timedelta(minutes=1))
    run_jobs(app)
    assert signatures(app, open_petition) == [] and outbox.messages == [] and waiting(app) == 0


def test_a_submission_that_fails_is_kept_apart_and_the_others_are_taken(client, app, open_petition,
                                                                      monkeypatch):
    real_take = signing_intake.take

    def take(item):
        if item["email"] == "ole@example.org":
            raise RuntimeError("a broken submission")
        real_take(item)

    monkeypatch.setitem(intake._handlers, signing_intake.INTAKE, take)
    for address in ("jana@example.org", "ole@example.org", "mia@example.org"):
        post_signature(client, sign_url(open_petition), address)
    run_jobs(app)
    assert [s.email for s in signatures(app, open_petition)] == ["jana@example.org", "mia@example.org"]
    failed = redis.Redis.from_url(REDIS_URL).lrange(
        f"{app.extensions['settings'].jobs_name}:intake:{signing_intake.INTAKE}:failed", 0, -1)
    assert len(failed) == 1 and b"ole@example.org" in failed[0]


def test_submissions_left_by_a_drain_that_died_are_taken_by_the_scheduled_job(client, app, open_petition):
    post_signature(client, sign_url(open_petition), "jana@example.org")
    store = redis.Redis.from_url(REDIS_URL)
    prefix = f"{app.extensions['settings'].jobs_name}:intake:{signing_intake.INTAKE}"
    store.delete(prefix + ":draining")  # its flag expired; its job is gone
    app.extensions["jobs"].huey.storage.flush_queue()
    assert signatures(app, open_petition) == []
    with app.test_request_context():
        intake.drain_forgotten()
    assert [s.email for s in signatures(app, open_petition)] == ["jana@example.org"]


def test_a_signed_in_resident_signs_in_the_request(client, app, open_petition, user_factory):
    resident = user_factory(email_address="jana@example.org")
    login(client, resident)
    response = post_signature(client, sign_url(open_petition), "jana@example.org")
    assert response.status_code == 303 and waiting(app) == 0
    assert counted(app, open_petition) == 1  # a confirmed address signs in one step


def test_over_the_network_limit_the_job_holds_the_signature(client, app, open_petition, site_settings):
    site_settings(petition_signatures_per_ip_hour=1)
    for address in ("jana@example.org", "ole@example.org"):  # one network: the test client's
        post_signature(client, sign_url(open_petition), address)
    run_jobs(app)
    assert [(s.email, s.held, s.held_reason) for s in signatures(app, open_petition)] == [
        ("jana@example.org", False, None), ("ole@example.org", True, "ip")]
