"""Paper lists: staff record signatures collected on paper, with the scan; they count, marked."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.petitions import counts
from participation.petitions.models import PaperList, PetitionState
from tests.conftest import csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def en(client):
    """The client `login_as` signs in, answering in English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 20.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _url(petition_id: int) -> str:
    return f"/petitionen/{petition_id}/papierlisten"


def _post(client, petition_id, scan=(PDF, "liste.pdf"), **fields):
    data = {"csrf_token": csrf_token(client, _url(petition_id)), "action": "record", "signatures": "40",
            "in_municipality": "30", "collected_on": "", "note": "Infostand Connewitz", **fields}
    if scan is not None:
        data["scan"] = (io.BytesIO(scan[0]), scan[1])
    return client.post(_url(petition_id), data=data, content_type="multipart/form-data")


def _lists(app, petition_id):
    with app.app_context():
        return db.session.scalars(select(PaperList).where(PaperList.petition_id == petition_id)).all()


def test_a_recorded_list_counts_is_marked_as_paper_and_audited(
    app, en, login_as, petition_factory, upload_storage
):
    staff = login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN, signatures=2)
    response = _post(en, petition_id, district_0="10", district_4="15")
    assert response.status_code == 302
    [paper_list] = _lists(app, petition_id)
    assert paper_list.districts == {"Mitte": 10, "Süd": 15} and paper_list.recorded_by_id == staff.id
    assert upload_storage.read(paper_list.file_key) == PDF  # the PDF as it came
    with app.app_context():
        totals = counts.totals(petition_id)
        assert (totals.online, totals.paper, totals.total, totals.for_quorum) == (2, 40, 42, 32)
        districts = {row.district: (row.online, row.paper) for row in counts.by_district(petition_id)}
        assert districts["Mitte"] == (0, 10) and districts["Süd"] == (2, 15) and districts[None] == (0, 15)
        entry = db.session.scalars(AuditEntry.newest_first()).first()
        assert entry.action == "petition.paper_list_recorded" and entry.actor_id == staff.id
        assert entry.after["signatures"] == 40 and entry.after["districts"] == {"Mitte": 10, "Süd": 15}
    page = en.get(_url(petition_id)).get_data(as_text=True)
    assert "Infostand Connewitz" in page and "on paper 40" in page and "Mitte: 10" in page


def test_bad_input_comes_back_filled_in_and_writes_nothing(
    app, en, login_as, petition_factory, upload_storage
):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN)
    cases = [
        ({"signatures": "", "in_municipality": "3"}, "Please fill in this field."),
        ({"signatures": "10", "in_municipality": "11"}, "more than the signatures on the list"),
        ({"signatures": "abc"}, "Please enter a whole number."),
        ({"collected_on": "2999-01-01"}, "This day is still to come."),
    ]
    for fields, message in cases:
        response = _post(en, petition_id, **fields)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page, fields
        assert "Infostand Connewitz" in page  # what was typed stays
    no_scan = _post(en, petition_id, scan=None)
    assert no_scan.status_code == 422 and "Please add the scanned list." in no_scan.get_data(as_text=True)
    not_a_scan = _post(en, petition_id, scan=(b"GIF89a....", "liste.gif"))
    assert "as a PDF, JPEG or PNG file" in not_a_scan.get_data(as_text=True)
    assert _lists(app, petition_id) == []
    assert not (upload_storage.root.exists() and any(upload_storage.root.rglob("*.*")))


def test_the_districts_may_not_add_up_to_more_than_the_signers_from_leipzig(
    app, en, login_as, petition_factory, upload_storage
):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN)
    response = _post(en, petition_id, signatures="40", in_municipality="30",
                     district_0="20", district_1="11")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The districts add up to 31, more than the 30 signatures from Leipzig." in page
    assert re.search(r'id="district_1"[^>]*value="11"', page)
    assert _lists(app, petition_id) == []
    assert _post(en, petition_id, district_0="20", district_1="10").status_code == 302


def test_an_image_scan_is_stored_without_exif_and_only_staff_can_open_it(
    app, client, login_as, petition_factory, upload_storage
):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.AWAITING_RESPONSE)
    assert _post(client, petition_id, scan=(_jpeg_with_location(), "liste.jpg")).status_code == 302
    [paper_list] = _lists(app, petition_id)
    assert paper_list.file_key.startswith("private/") and paper_list.file_key.endswith(".jpg")
    with Image.open(io.BytesIO(upload_storage.read(paper_list.file_key))) as stored:
        assert not stored.getexif()
    scan = client.get(f"{_url(petition_id)}?datei={paper_list.id}")
    assert scan.status_code == 200 and scan.mimetype == "image/jpeg"
    assert scan.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/media/{paper_list.file_key}").status_code == 404  # never public
    login_as("resident")
    assert client.get(f"{_url(petition_id)}?datei={paper_list.id}").status_code == 403


def test_lists_are_recorded_only_while_open_or_awaiting_the_response(
    app, en, login_as, petition_factory, upload_storage
):
    login_as("staff")
    for state in (PetitionState.CLOSED, PetitionState.ANSWERED, PetitionState.IN_REVIEW):
        petition_id = petition_factory(state=state)
        page = en.get(_url(petition_id)).get_data(as_text=True)
        assert "Paper lists can be recorded while a petition is open" in page
        assert _post(en, petition_id).status_code == 422
        assert _lists(app, petition_id) == []


def test_a_list_collected_after_the_close_is_refused(app, en, login_as, petition_factory,
                                                      upload_storage):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.AWAITING_RESPONSE)  # closed yesterday
    response = _post(en, petition_id, collected_on="2000-01-01")
    assert response.status_code == 302
    with app.app_context():
        from participation.core.models import utcnow
        today = utcnow().date().isoformat()
    late = _post(en, petition_id, collected_on=today)
    assert "after the petition closed" in late.get_data(as_text=True)


def test_removing_a_list_needs_a_reason_and_is_audited(app, en, login_as, petition_factory,
                                                        upload_storage):
    login_as("staff")
    petition_id = petition_factory(state=PetitionState.OPEN)
    _post(en, petition_id)
    [paper_list] = _lists(app, petition_id)
    token = csrf_token(en, _url(petition_id))
    refused = en.post(_url(petition_id), data={
        "csrf_token": token, "action": "remove", "paper_list_id": paper_list.id, "reason": ""})
    assert refused.status_code == 422 and "Please fill in this field." in refused.get_data(as_text=True)
    assert len(_lists(app, petition_id)) == 1
    removed = en.post(_url(petition_id), data={
        "csrf_token": token, "action": "remove", "paper_list_id": paper_list.id, "reason": "counted twice"})
    assert removed.status_code == 302 and _lists(app, petition_id) == []
    with app.app_context():
        assert counts.totals(petition_id).paper == 0
        entry = db.session.scalars(AuditEntry.newest_first()).first()
        assert (entry.action, entry.reason, entry.before["signatures"]) == (
            "petition.paper_list_removed", "counted twice", 40)
    assert not upload_storage.root.joinpath(paper_list.file_key).exists()  # deleted after the commit
