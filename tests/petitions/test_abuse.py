"""Mass signing: over the per-network or per-domain limit a signature is held, not refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.petitions import abuse
from participation.petitions.models import PetitionState
from tests.conftest import login
from tests.petitions import signing_helpers
from tests.petitions.signing_helpers import (
    confirm_by_mail,
    counted,
    post_signature,
    sign_url,
    signatures,
)

petition_pages = signing_helpers.petition_pages  # a fixture
site_settings = signing_helpers.site_settings  # a fixture


@pytest.fixture
def open_petition(petition_factory):
    return petition_factory(PetitionState.OPEN)


def from_address(client, ip: str):
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_one_network_is_one_hash_and_the_address_is_not_kept(app):
    with app.app_context():
        assert abuse.ip_hash("203.0.113.7") == abuse.ip_hash("203.0.113.250")
        assert abuse.ip_hash("203.0.113.7") != abuse.ip_hash("203.0.114.7")
        assert abuse.ip_hash("::ffff:203.0.113.9") == abuse.ip_hash("203.0.113.7")
        assert abuse.ip_hash("2001:db8:1:2:aaaa::1") == abuse.ip_hash("2001:db8:1:2:ffff::9")
        assert abuse.ip_hash("2001:db8:1:2::1") != abuse.ip_hash("2001:db8:1:3::1")
        assert abuse.ip_hash("not an address") is None
        hashed = abuse.ip_hash("203.0.113.7")
    assert len(hashed) == 64 and "203.0.113" not in hashed


def test_the_hash_depends_on_the_secret_key(app_factory):
    hashes = set()
    for key in ("one secret", "another secret"):
        other = app_factory(secret_key=key)
        with other.app_context():
            hashes.add(abuse.ip_hash("203.0.113.7"))
    assert len(hashes) == 2


def test_over_the_network_limit_signatures_are_held_and_not_counted(client, app, open_petition, outbox,
                                                                    site_settings):
    site_settings(petition_signatures_per_ip_hour=2)
    from_address(client, "198.51.100.20")
    answers = set()
    for number in range(3):
        address = f"nachbarin{number}@gmail.com"
        response = post_signature(client, sign_url(open_petition), address)
        answers.add((response.status_code, response.headers["Location"]))
        confirm_by_mail(client, outbox, address)  # the signer sees the normal flow, mail included
    assert len(answers) == 1
    rows = signatures(app, open_petition)
    assert [(row.held, row.held_reason) for row in rows] == [(False, None), (False, None), (True, "ip")]
    assert all(row.confirmed_at is not None for row in rows)
    assert len({row.ip_hash for row in rows}) == 1
    assert counted(app, open_petition) == 2


def test_over_the_domain_limit_signatures_are_held(client, app, open_petition, site_settings):
    site_settings(petition_signatures_per_domain_hour=2)
    for number in range(3):
        from_address(client, f"198.51.{100 + number}.1")
        post_signature(client, sign_url(open_petition), f"person{number}@wegwerf-mail.example")
    rows = signatures(app, open_petition)
    assert [(row.held, row.held_reason) for row in rows] == [(False, None), (False, None), (True, "domain")]
    assert rows[0].email_domain == "wegwerf-mail.example"


def test_big_mail_providers_are_exempt_from_the_domain_limit(client, app, open_petition, site_settings):
    site_settings(petition_signatures_per_domain_hour=2)
    for number in range(3):
        from_address(client, f"198.51.{100 + number}.1")
        post_signature(client, sign_url(open_petition), f"person{number}@web.de")
    assert not any(row.held for row in signatures(app, open_petition))


def test_the_limits_are_per_petition(client, app, petition_factory, site_settings):
    site_settings(petition_signatures_per_ip_hour=1)
    first, second = petition_factory(PetitionState.OPEN), petition_factory(PetitionState.OPEN)
    post_signature(client, sign_url(first), "anna@example.org")
    post_signature(client, sign_url(second), "anna@example.org")
    assert not any(row.held for row in signatures(app, first) + signatures(app, second))


def test_rate_limits_switched_off_hold_nothing(client, app, open_petition, site_settings):
    site_settings(petition_signatures_per_ip_hour=1, petition_signatures_per_domain_hour=1,
                  ratelimit_enabled=False)
    for number in range(3):
        post_signature(client, sign_url(open_petition), f"person{number}@wegwerf-mail.example")
    rows = signatures(app, open_petition)
    assert len(rows) == 3 and not any(row.held for row in rows)
    assert rows[0].ip_hash is not None  # the signals are still kept for the staff's views


def test_a_one_step_signature_over_the_limit_is_held_too(client, app, open_petition, site_settings,
                                                        user_factory):
    site_settings(petition_signatures_per_ip_hour=0)
    login(client, user_factory(email_address="katrin@example.org"))
    post_signature(client, sign_url(open_petition), "katrin@example.org")
    [row] = signatures(app, open_petition)
    assert (row.confirmed_at is not None, row.held) == (True, True)
    assert counted(app, open_petition) == 0


def test_the_abuse_check_is_one_statement(app, open_petition, count_queries):
    with app.test_request_context():
        db.session.execute(select(1))  # the test's SAVEPOINT is not the check's
        with count_queries() as counter:
            signals = abuse.assess(open_petition, email="a@wegwerf-mail.example", postcode="04109",
                                   remote_addr="198.51.100.1")
    assert counter.count == 1
    assert (signals.district, signals.email_domain, signals.held) == ("Mitte", "wegwerf-mail.example", False)


def test_flooding_the_form_is_refused_with_the_form_filled_in(english_client, open_petition):
    for number in range(30):
        response = post_signature(english_client, sign_url(open_petition), f"p{number}@example.org")
        assert response.status_code == 303
    refused = post_signature(english_client, sign_url(open_petition), "late@example.org")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many attempts" in html and 'value="late@example.org"' in html
