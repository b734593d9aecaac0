"""Staff invalidate signatures, release held ones and export them; the counts follow at once."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from participation.core import events
from participation.core.audit import AuditEntry
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import counts, services
from participation.petitions.models import PaperList, Petition, PetitionState, Signature
from participation.petitions.signing import COUNT_CHANGED
from tests.conftest import csrf_token
from tests.petitions.conftest import add_signatures

STAFF_ROUTES = [
    ("get", "/petitionen/{id}/papierlisten"),
    ("post", "/petitionen/{id}/papierlisten"),
    ("get", "/petitionen/{id}/unterschriften"),
    ("post", "/petitionen/{id}/unterschriften/ungueltig"),
    ("post", "/petitionen/{id}/unterschriften/freigeben"),
    ("get", "/petitionen/{id}/unterschriften.csv"),
]


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def count_changes():
    heard = []

    def listen(event):
        heard.append(event.payload.get("why"))

    events.subscribe(COUNT_CHANGED, listen)
    yield heard
    events.unsubscribe(COUNT_CHANGED, listen)


def _invalidate(client, petition_id, **fields):
    url = f"/petitionen/{petition_id}/unterschriften"
    data = {"csrf_token": csrf_token(client, url), "reason": "Bot-Welle", **fields}
    return client.post(f"{url}/ungueltig", data=data)


def _last_audit(app):
    with app.app_context():
        return db.session.scalars(AuditEntry.newest_first()).first()


def _set(app, ids, **values):
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.id.in_(ids)).values(**values))
        db.session.commit()


@pytest.mark.parametrize("role", ["resident", "moderator", None])
def test_only_staff_reach_the_signature_tools(app, client, login_as, petition_factory, role):
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=1)
    login_as(role)
    for method, url in STAFF_ROUTES:
        response = getattr(client, method)(url.format(id=petition_id))
        if role is None:
            assert response.status_code in (302, 401, 403, 400), url  # sent to sign in (POSTs lack CSRF)
        else:
            assert response.status_code in (403, 400), (role, method, url)
            assert method == "post" or response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "petition")) is None


def test_invalidating_a_domain_drops_the_petition_below_its_quorum(
    app, en, login_as, petition_factory, count_changes
):
    staff = login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN, quorum=5,
                                   closes_at=utcnow() - timedelta(minutes=1))
    honest = add_signatures(app, petition_id, 3)
    bots = add_signatures(app, petition_id, 3)
    _set(app, bots, email_domain="wegwerf.example")
    with app.app_context():
        assert counts.totals(petition_id).for_quorum == 6
    response = _invalidate(en, petition_id, criterion="domain", domain="@Wegwerf.Example")
    assert response.status_code == 302
    assert "3 signatures have been invalidated." in en.get(response.location).get_data(as_text=True)
    assert count_changes == ["invalidated"]
    with app.app_context():
        assert counts.totals(petition_id).for_quorum == 3
        rows = db.session.scalars(select(Signature).where(Signature.id.in_(bots))).all()
        assert {(s.invalidation_reason, s.invalidated_at is not None) for s in rows} == {("Bot-Welle", True)}
        assert db.session.get(Signature, honest[0]).invalidated_at is None
        assert services.close_due() == [petition_id]
        assert db.session.get(Petition, petition_id).state == PetitionState.CLOSED.value  # below the quorum
    entry = _last_audit(app)
    assert (entry.action, entry.actor_id, entry.reason) == (
        "petition.signatures_invalidated", staff.id, "Bot-Welle")
    assert entry.after == {"criterion": "domain", "domain": "wegwerf.example", "signatures": 3}


def test_invalidating_by_email_ip_range_and_time(app, en, login_as, petition_factory):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN)
    by_mail = add_signatures(app, petition_id, 1)
    by_ip = add_signatures(app, petition_id, 2)
    old = add_signatures(app, petition_id, 2, days_ago=3)
    keep = add_signatures(app, petition_id, 1)
    _set(app, by_ip, ip_hash="c0ffee00112233445566")
    with app.app_context():
        email = db.session.get(Signature, by_mail[0]).email

    def invalid():
        with app.app_context():
            return {s.id for s in db.session.scalars(select(Signature).where(
                Signature.petition_id == petition_id, Signature.invalidated_at.is_not(None)))}

    assert _invalidate(en, petition_id, criterion="email", email=f"  {email.upper()} ").status_code == 302
    assert invalid() == set(by_mail)
    assert "@" not in str(_last_audit(app).after)  # the audit log keeps the keyed hash only
    assert _invalidate(en, petition_id, criterion="ip", ip_hash="c0ffee0011").status_code == 302
    assert invalid() == {*by_mail, *by_ip} and _last_audit(app).after["signatures"] == 2
    two_days_ago = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert _invalidate(en, petition_id, criterion="time", end=two_days_ago).status_code == 302
    assert invalid() == {*by_mail, *by_ip, *old}
    again = _invalidate(en, petition_id, criterion="time", end=two_days_ago)  # nothing left to do
    assert "0 signatures have been invalidated." in en.get(again.location).get_data(as_text=True)
    assert keep[0] not in invalid()


def test_an_invalidation_without_reason_or_criterion_comes_back_and_changes_nothing(
    app, en, login_as, petition_factory
):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=2)
    cases = [
        ({"criterion": "domain", "domain": "example.org", "reason": ""}, "Please fill in this field."),
        ({"criterion": "domain", "domain": ""}, "Please enter the domain"),
        ({"criterion": "ip", "ip_hash": "abc"}, "at least 8 characters"),
        ({"criterion": "time"}, "Please give the start or the end"),
        ({"criterion": "time", "start": "2025-05-02T10:00", "end": "2025-05-01T10:00"}, "must come after"),
    ]
    for fields, message in cases:
        response = _invalidate(en, petition_id, **fields)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page, fields
    with app.app_context():
        assert counts.totals(petition_id).online == 2
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "petition")) is None


def test_releasing_held_signatures_counts_them(app, en, login_as, petition_factory, count_changes):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=1)
    by_ip = add_signatures(app, petition_id, 2, held=True, held_reason="ip")
    by_domain = add_signatures(app, petition_id, 3, held=True, held_reason="domain")
    url = f"/petitionen/{petition_id}/unterschriften"
    with app.app_context():
        assert (counts.totals(petition_id).online, counts.totals(petition_id).held) == (1, 5)
    response = en.post(f"{url}/freigeben", data={"csrf_token": csrf_token(en, url), "scope": "reason",
                                                 "value": "ip"})
    assert response.status_code == 302
    assert "2 held signatures have been released" in en.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert (counts.totals(petition_id).online, counts.totals(petition_id).held) == (3, 3)
        assert db.session.get(Signature, by_ip[0]).held_reason == "ip"  # kept as a trace
    entry = _last_audit(app)
    assert entry.action == "petition.held_released" and entry.after["signatures"] == 2
    en.post(f"{url}/freigeben", data={"csrf_token": csrf_token(en, url), "scope": "all"})
    with app.app_context():
        assert counts.totals(petition_id).online == 6 and not db.session.get(Signature, by_domain[0]).held
    assert count_changes == ["released", "released"]
    refused = en.post(f"{url}/freigeben", data={"csrf_token": csrf_token(en, url), "scope": "domain"})
    assert refused.status_code == 422 and "Please say which ones." in refused.get_data(as_text=True)


def test_the_csv_export_has_every_signature_and_the_paper_lists_and_is_audited(
    app, client, login_as, petition_factory
):
    staff = login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=2)
    [formula] = add_signatures(app, petition_id, 1, confirmed=False)
    _set(app, [formula], name="=HYPERLINK(\"http://evil\")")
    with app.app_context():
        db.session.add(PaperList(petition_id=petition_id, signatures=40, in_municipality=30,
                                 districts={"Mitte": 10}, note="-Infostand", recorded_at=utcnow()))
        db.session.commit()
    response = client.get(f"/petitionen/{petition_id}/unterschriften.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["name", "email", "postcode", "district"]
    signatures = rows[1:rows.index([])]
    assert len(signatures) == 3
    assert signatures[2][0] == "'=HYPERLINK(\"http://evil\")" and signatures[2][6] == ""  # not confirmed
    assert signatures[0][1].endswith("@example.org") and signatures[0][3] == "Süd"
    paper = rows[rows.index([]) + 2:]
    assert paper[0][1:4] == ["40", "30", "Mitte: 10"] and paper[0][6] == "'-Infostand"
    entry = _last_audit(app)
    assert (entry.action, entry.actor_id, entry.after) == (
        "petition.signatures_exported", staff.id, {"rows": 3})
