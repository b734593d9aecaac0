"""Staff edit the council's data in forms below /rat/verwaltung/ and start OParl imports.

What a non-public agenda item or document is stays off the public pages and the API, bad
input comes back at its field with nothing written, deleting leaves tombstones (410, OParl
`deleted`), every change is in the audit log and moves `modified` for the API's sync, and an
import started here runs as a background job whose outcome the import page shows.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
from sqlalchemy import func, select, update

from participation.core.audit import AuditEntry
from participation.core.models import utcnow
from participation.council.import_models import CouncilImportRun, CouncilImportState
from participation.council.models import AgendaItem, Body, File, Meeting, Membership, Paper, Person
from participation.extensions import db
from tests.conftest import csrf_token, login
from tests.council.importer.synthetic import SyntheticCouncil
from tests.council.oparl_fixture_server import FixtureServer

STAFF = "/rat/verwaltung"


@pytest.fixture(autouse=True)
def english(client, upload_storage):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def staff(client, user_factory):
    user = user_factory(role="staff")
    login(client, user)
    return user


def pdf_bytes(pages: int = 1) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def send(client, url: str, data: dict, **options):
    """A staff form as the browser sends it, with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, f"{STAFF}/"), **data}, **options)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_actions(app, object_type: str, object_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
                .order_by(AuditEntry.id)
            )
        )


def new_meeting(client, **fields) -> int:
    data = {
        "name": "Ausschuss für Umwelt",
        "start": "2031-03-04T17:00",
        "end": "2031-03-04T19:30",
        "place": "Neues Rathaus, Raum 259",
        "meeting_state": "terminiert",
        **fields,
    }
    response = send(client, f"{STAFF}/sitzungen/neu", data)
    assert response.status_code == 302, text_of(response)
    return int(re.search(r"/sitzungen/(\d+)$", response.headers["Location"]).group(1))


def add_item(client, meeting_id: int, **fields) -> None:
    data = {"number": "1", "name": "Eröffnung", "public": "y", **fields}
    if data.get("public") is None:
        data.pop("public")
    response = send(client, f"{STAFF}/sitzungen/{meeting_id}/tagesordnung/neu", data)
    assert response.status_code == 302, text_of(response)


# --- who gets in ---------------------------------------------------------------------------------


def _staff_urls(app, council) -> list[tuple[str, str]]:
    """(method, URL) of every staff route, with ids of the small council."""
    values = {"object_id": council.past_meeting}
    kinds = {"staff_list": "sitzungen", "staff_upload_file": "vorlagen", "staff_delete": "personen"}
    ids = {
        "staff_upload_file": council.paper,
        "staff_delete": council.second_person,
        "staff_edit_agenda_item": council.public_item,
        "staff_move_agenda_item": council.public_item,
        "staff_edit_paper": council.paper,
        "staff_edit_person": council.person,
        "staff_edit_organization": council.committee,
        "staff_edit_membership": council.membership,
        "staff_edit_file": council.public_file,
        "staff_file": council.public_file,
    }
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("council.staff_"):
                continue
            name = rule.endpoint.removeprefix("council.")
            arguments = {
                key: value
                for key, value in {
                    **values,
                    "object_id": ids.get(name, values["object_id"]),
                    "kind": kinds.get(name),
                }.items()
                if key in rule.arguments
            }
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url_for(rule.endpoint, **arguments)))
    return found


def test_residents_get_403_and_visitors_the_sign_in_on_every_staff_route(app, client, council, user_factory):
    routes = _staff_urls(app, council)
    assert len(routes) >= 30
    for method, url in routes:  # visitors
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], (method, url)
    login(client, user_factory(role="resident"))
    for method, url in routes:
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client, "/account")})
        assert response.status_code == 403, (method, url)
    assert count(app, Meeting, Meeting.deleted.is_(True)) == 0
    assert count(app, Person, Person.deleted.is_(True)) == 0


def test_staff_reach_the_council_data_from_the_management_overview(client, council, staff):
    overview = text_of(client.get("/staff/"))
    assert f'href="{STAFF}/"' in overview and f'href="{STAFF}/sitzungen/neu"' in overview
    page = text_of(client.get(f"{STAFF}/"))
    upcoming = page.index("Fachausschuss Stadtentwicklung und Bau")  # next week's meeting first
    assert upcoming < page.index("Ratsversammlung</a>")  # then the one in the past
    assert "VIII-DS-01234" in page and "Dr. Marie Beispiel" in page
    assert f'href="{STAFF}/import"' in page


def test_the_public_pages_offer_staff_an_edit_link_and_nobody_else(client, council, user_factory):
    meeting, paper = f"/rat/sitzungen/{council.past_meeting}", f"/rat/vorlagen/{council.paper}"
    edit_meeting = f'href="{STAFF}/sitzungen/{council.past_meeting}"'
    edit_paper = f'href="{STAFF}/vorlagen/{council.paper}"'
    assert edit_meeting not in text_of(client.get(meeting)) and edit_paper not in text_of(client.get(paper))
    login(client, user_factory(role="resident"))
    assert edit_meeting not in text_of(client.get(meeting))
    login(client, user_factory(role="staff"))
    assert edit_meeting in text_of(client.get(meeting)) and edit_paper in text_of(client.get(paper))


def test_staff_find_papers_by_reference(client, council, staff):
    found = text_of(client.get(f"{STAFF}/vorlagen?q=DS-01234-ÄA"))
    assert "Änderungsantrag zu VIII-DS-01234" in found and "Radverkehrsanlagen" not in found
    assert "Nothing found" in text_of(client.get(f"{STAFF}/vorlagen?q=%25%25"))  # % is no wildcard


# --- meetings and agenda items -------------------------------------------------------------------


def test_staff_create_a_meeting_with_items_and_the_non_public_one_stays_off_page_and_api(
    app, client, council, staff
):
    meeting_id = new_meeting(client, organizations=str(council.committee))
    add_item(client, meeting_id, number="1", name="Eröffnung und Tagesordnung")
    add_item(
        client,
        meeting_id,
        number="2",
        name="Baumschutzsatzung",
        paper_reference="VIII-DS-01234",
        result="angenommen",
        resolution_text="Der Ausschuss empfiehlt …",
    )
    add_item(client, meeting_id, number="3", name="Verkauf Flurstück 17/3", public=None)

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.oparl_id is None and meeting.body_id == council.body
        assert meeting.web == f"http://localhost/rat/sitzungen/{meeting_id}"
        assert meeting.start.isoformat() == "2031-03-04T16:00:00+00:00"  # 17:00 in Leipzig, in winter
        assert meeting.location.description == "Neues Rathaus, Raum 259"
        assert [o.id for o in meeting.organizations] == [council.committee]
        assert [(i.order, i.number, i.public) for i in meeting.agenda_items] == [
            (1, "1", True),
            (2, "2", True),
            (3, "3", False),
        ]
        secret_id = meeting.agenda_items[2].id

    client.post("/logout", data={"csrf_token": csrf_token(client, f"{STAFF}/")})
    page = text_of(client.get(f"/rat/sitzungen/{meeting_id}"))
    assert (
        "Baumschutzsatzung" in page and "Radverkehrsanlagen in der Karl-Liebknecht-Straße" in page
    )  # the paper
    assert "Verkauf Flurstück" not in page
    api = client.get(f"/oparl/1.1/meeting/{meeting_id}").get_json()
    assert api["id"] == f"http://localhost/oparl/1.1/meeting/{meeting_id}"
    assert [item["name"] for item in api["agendaItem"]] == ["Eröffnung und Tagesordnung", "Baumschutzsatzung"]
    assert client.get(f"/oparl/1.1/agenda-item/{secret_id}").status_code == 404
    listed = client.get(f"/oparl/1.1/body/{council.body}/agenda-item").get_json()["data"]
    assert "Verkauf Flurstück 17/3" not in [item.get("name") for item in listed]
    assert "Verkauf Flurstück" not in client.get(f"/council/meetings/{meeting_id}.ics").get_data(as_text=True)
    assert audit_actions(app, "council_meeting", meeting_id) == ["council.meeting.created"]
    assert audit_actions(app, "council_agenda_item", secret_id) == ["council.agenda_item.created"]


def test_saving_a_meeting_unchanged_keeps_its_place_and_changes_nothing_else(app, client, council, staff):
    form = text_of(client.get(f"{STAFF}/sitzungen/{council.past_meeting}"))
    assert 'value="Neues Rathaus, Festsaal, Martin-Luther-Ring 4-6"' in form
    fields = {
        "name": "Ratsversammlung",
        "organizations": str(council.council),
        "start": "2026-11-18T15:00",
        "end": "2026-11-18T20:00",
        "place": "Neues Rathaus, Festsaal, Martin-Luther-Ring 4-6",
        "meeting_state": "durchgeführt",
    }
    with app.app_context():
        modified = db.session.get(Meeting, council.past_meeting).modified
    assert send(client, f"{STAFF}/sitzungen/{council.past_meeting}", fields).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, council.past_meeting)
        assert meeting.location_id == council.location and meeting.start.hour == 14
        assert meeting.modified == modified  # nothing for the API's clients to fetch again
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "council.meeting.updated"))
        assert entry.before == {} and entry.after == {}  # saved as it was
    fields["place"] = "Volkshaus, Saal 2"  # a new place: the old one is not renamed for other meetings
    assert send(client, f"{STAFF}/sitzungen/{council.past_meeting}", fields).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, council.past_meeting)
        assert meeting.location.description == "Volkshaus, Saal 2" and meeting.location_id != council.location


def test_editing_an_item_moves_the_meetings_modified_for_the_apis_sync(app, client, council, staff):
    long_ago = utcnow() - timedelta(days=30)
    with app.app_context():  # the council was synced by a client a month ago
        for model in (Meeting, AgendaItem):
            db.session.execute(update(model).values(modified=long_ago))
        db.session.commit()
    before = utcnow() - timedelta(seconds=1)
    since = before.isoformat(timespec="seconds").replace("+00:00", "Z")
    changed = client.get(f"/oparl/1.1/body/{council.body}/meeting?modified_since={since}").get_json()["data"]
    assert changed == []
    response = send(
        client,
        f"{STAFF}/tagesordnungspunkte/{council.public_item}",
        {"number": "5.1", "name": "Radverkehrsanlagen (geändert)", "public": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sitzungen/{council.past_meeting}#agenda")
    changed = client.get(f"/oparl/1.1/body/{council.body}/meeting?modified_since={since}").get_json()["data"]
    assert [m["id"].rsplit("/", 1)[1] for m in changed] == [str(council.past_meeting)]
    items = client.get(f"/oparl/1.1/body/{council.body}/agenda-item?modified_since={since}").get_json()[
        "data"
    ]
    assert [item["name"] for item in items] == ["Radverkehrsanlagen (geändert)"]
    with app.app_context():
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "council.agenda_item.updated")
        )
        assert entry.object_id == council.public_item and entry.actor_id == staff.id
        assert entry.before["name"] == "Radverkehrsanlagen in der Karl-Liebknecht-Straße"
        assert entry.after["name"] == "Radverkehrsanlagen (geändert)"


def test_staff_move_agenda_items_up_and_down(app, client, council, staff):
    meeting_id = new_meeting(client)
    for number in ("1", "2", "3"):
        add_item(client, meeting_id, number=number, name=f"Punkt {number}")
    with app.app_context():
        third = db.session.get(Meeting, meeting_id).agenda_items[2].id
    url = f"{STAFF}/tagesordnungspunkte/{third}/verschieben"
    assert send(client, url, {"direction": "up"}).status_code == 302
    with app.app_context():
        assert [i.number for i in db.session.get(Meeting, meeting_id).agenda_items] == ["1", "3", "2"]
    assert send(client, url, {"direction": "sideways"}).status_code == 400
    assert "council.agenda_item.moved" in audit_actions(app, "council_agenda_item", third)


def test_a_meeting_that_ends_before_it_begins_comes_back_filled_in_and_nothing_is_written(
    app, client, council, staff
):
    meetings = count(app, Meeting)
    response = send(
        client,
        f"{STAFF}/sitzungen/neu",
        {"name": "Ältestenrat", "start": "2031-03-04T17:00", "end": "2031-03-04T16:00"},
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "The end cannot come before the beginning." in page
    assert 'value="Ältestenrat"' in page and 'value="2031-03-04T17:00"' in page
    assert re.search(
        r'id="end"[^>]*aria-describedby="end-error"|aria-describedby="end-error"[^>]*id="end"', page
    )
    assert "<title>Error:" in page and 'id="error-summary"' in page
    assert count(app, Meeting) == meetings
    assert send(client, f"{STAFF}/sitzungen/neu", {"name": ""}).status_code == 422
    assert count(app, Meeting) == meetings


def test_an_agenda_item_naming_an_unknown_paper_writes_nothing(app, client, council, staff):
    items = count(app, AgendaItem)
    response = send(
        client,
        f"{STAFF}/sitzungen/{council.next_meeting}/tagesordnung/neu",
        {"name": "Bebauungsplan 42", "paper_reference": "VIII-DS-99999"},
    )
    assert response.status_code == 422
    assert "There is no paper with the reference “VIII-DS-99999”." in text_of(response)
    assert 'value="VIII-DS-99999"' in text_of(response)
    assert count(app, AgendaItem) == items
    assert count(app, AuditEntry, AuditEntry.action.like("council.%")) == 0


# --- papers and documents ------------------------------------------------------------------------


def test_staff_create_a_paper_with_its_main_document_which_the_api_serves(
    app, client, council, staff, upload_storage
):
    response = send(
        client,
        f"{STAFF}/vorlagen/neu",
        {
            "name": "Neubau Grundschule Grünau",
            "reference": "VIII-DS-05555",
            "paper_type": "Beschlussvorlage",
            "date": "2031-02-01",
        },
    )
    assert response.status_code == 302
    paper_id = int(response.headers["Location"].rsplit("/", 1)[1])
    document = pdf_bytes()
    response = send(
        client,
        f"{STAFF}/vorlagen/{paper_id}/dokumente/neu",
        {
            "document": (io.BytesIO(document), "Vorlage Grundschule.pdf"),
            "name": "Beschlussvorlage",
            "role": "main",
            "public": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith(f"/vorlagen/{paper_id}#documents")
    with app.app_context():
        paper = db.session.get(Paper, paper_id)
        file = paper.main_file
        assert file.file_name == "Vorlage_Grundschule.pdf" and file.size == len(document)
        assert file.mime_type == "application/pdf" and file.storage_key.startswith("private/council/")
        assert upload_storage.read(file.storage_key) == document  # kept as it is: no re-encoding
        file_id = file.id
    api = client.get(f"/oparl/1.1/paper/{paper_id}").get_json()
    assert api["mainFile"]["name"] == "Beschlussvorlage" and len(api["mainFile"]["sha512Checksum"]) == 128
    assert client.get(f"/oparl/1.1/file/{file_id}/access").data == document
    assert client.get(f"/media/{file.storage_key}").status_code == 404  # never through /media
    public = text_of(client.get(f"/rat/vorlagen/{paper_id}"))
    assert f"/oparl/1.1/file/{file_id}/access" in public
    assert audit_actions(app, "council_file", file_id) == ["council.file.created"]
    assert "council.file.attached" in audit_actions(app, "council_paper", paper_id)


def test_a_non_public_document_is_served_to_staff_only(app, client, council, staff):
    response = send(
        client,
        f"{STAFF}/tagesordnungspunkte/{council.public_item}/dokumente/neu",
        {
            "document": (io.BytesIO(pdf_bytes()), "anlage.pdf"),
            "name": "Kaufpreisgutachten",
            "role": "auxiliary",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        file_id = db.session.scalar(select(File.id).where(File.name == "Kaufpreisgutachten"))
    assert client.get(f"{STAFF}/dokumente/{file_id}/datei").headers["Cache-Control"] == "private, no-store"
    client.post("/logout", data={"csrf_token": csrf_token(client, f"{STAFF}/")})
    assert "Kaufpreisgutachten" not in text_of(client.get(f"/rat/sitzungen/{council.past_meeting}"))
    assert client.get(f"/oparl/1.1/file/{file_id}").status_code == 404
    assert client.get(f"/oparl/1.1/file/{file_id}/access").status_code == 404
    item = client.get(f"/oparl/1.1/agenda-item/{council.public_item}").get_json()
    assert "Kaufpreisgutachten" not in str(item)


@pytest.mark.parametrize(
    "upload,message",
    [
        ((b"GIF89a not a pdf", "bild.gif"), "Please upload a PDF document."),
        ((b"%PDF-1.7 broken", "kaputt.pdf"), "The PDF could not be read."),
        ((b"", "leer.pdf"), "The file is empty."),
    ],
)
def test_what_is_no_readable_pdf_is_refused_and_nothing_is_stored(
    app, client, council, staff, upload_storage, upload, message
):
    data, name = upload
    response = send(
        client,
        f"{STAFF}/vorlagen/{council.amendment}/dokumente/neu",
        {"document": (io.BytesIO(data), name), "name": "Anlage 1", "role": "auxiliary", "public": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text_of(response)
    assert (
        message in page
        and 'value="Anlage 1"' in page
        and 'aria-describedby="document-hint document-error"' in page
    )
    assert count(app, File, File.name == "Anlage 1") == 0
    assert not list(upload_storage.root.rglob("*.pdf"))


def test_a_too_large_document_is_refused(app, client, council, staff, monkeypatch):
    from participation.council import staff_files

    monkeypatch.setattr(staff_files, "MAX_BYTES", 100)
    response = send(
        client,
        f"{STAFF}/vorlagen/{council.paper}/dokumente/neu",
        {"document": (io.BytesIO(pdf_bytes()), "gross.pdf"), "name": "Groß", "role": "auxiliary"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "The file is too large." in text_of(response)


def test_a_paper_reference_is_unique(app, client, council, staff):
    response = send(
        client,
        f"{STAFF}/vorlagen/{council.amendment}",
        {"name": "Änderungsantrag", "reference": "VIII-DS-01234"},
    )
    assert response.status_code == 422
    assert "Another paper already has the reference “VIII-DS-01234”." in text_of(response)
    with app.app_context():
        assert db.session.get(Paper, council.amendment).reference == "VIII-DS-01234-ÄA-01"


# --- persons, organisations, memberships ---------------------------------------------------------


def test_staff_create_a_person_and_give_them_a_membership(app, client, council, staff):
    response = send(
        client,
        f"{STAFF}/personen/neu",
        {"form_of_address": "Frau", "title": "Prof., Dr.", "given_name": "Ute", "family_name": "Berger"},
    )
    assert response.status_code == 302
    person_id = int(response.headers["Location"].rsplit("/", 1)[1])
    form = text_of(client.get(f"{STAFF}/mitgliedschaften/neu?person={person_id}"))
    assert f'<option selected value="{person_id}">' in form or f'value="{person_id}" selected' in form
    response = send(
        client,
        f"{STAFF}/mitgliedschaften/neu",
        {
            "person": person_id,
            "organization": council.committee,
            "role": "Mitglied",
            "voting_right": "y",
            "on_behalf_of": council.group,
            "start_date": "2031-01-01",
            "end_date": "2030-12-31",
        },
    )
    assert response.status_code == 422 and "The end cannot come before the beginning." in text_of(response)
    assert count(app, Membership, Membership.person_id == person_id) == 0
    response = send(
        client,
        f"{STAFF}/mitgliedschaften/neu",
        {
            "person": person_id,
            "organization": council.committee,
            "role": "Mitglied",
            "voting_right": "y",
            "on_behalf_of": council.group,
            "start_date": "2031-01-01",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/personen/{person_id}#memberships")
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person.name == "Prof. Dr. Ute Berger" and person.title == ["Prof.", "Dr."]
        [membership] = person.memberships
        assert (membership.organization_id, membership.on_behalf_of_id) == (council.committee, council.group)
    api = client.get(f"/oparl/1.1/person/{person_id}").get_json()
    assert api["familyName"] == "Berger" and api["membership"][0]["role"] == "Mitglied"


def test_staff_create_an_organisation(app, client, council, staff):
    response = send(
        client,
        f"{STAFF}/gremien/neu",
        {
            "name": "Jugendbeirat",
            "short_name": "JBR",
            "organization_type": "Gremium",
            "start_date": "2031-01-01",
        },
    )
    assert response.status_code == 302
    organization_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Jugendbeirat" in text_of(client.get(f"/rat/gremien/{organization_id}"))
    assert audit_actions(app, "council_organization", organization_id) == ["council.organization.created"]


# --- deleting ------------------------------------------------------------------------------------


def test_a_deleted_meeting_answers_410_and_the_api_a_tombstone(app, client, council, staff):
    url = f"{STAFF}/sitzungen/{council.past_meeting}/loeschen"
    assert "Delete “Ratsversammlung”?" in text_of(client.get(url))
    assert client.post(url, data={}).status_code == 400  # no CSRF token: nothing happens
    response = send(client, url, {})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{STAFF}/sitzungen")
    assert client.get(f"/rat/sitzungen/{council.past_meeting}").status_code == 410
    assert client.get(f"{STAFF}/sitzungen/{council.past_meeting}").status_code == 410
    tombstone = client.get(f"/oparl/1.1/meeting/{council.past_meeting}").get_json()
    assert tombstone["deleted"] is True and "name" not in tombstone
    item = client.get(f"/oparl/1.1/agenda-item/{council.public_item}").get_json()
    assert item["deleted"] is True  # its agenda went with it
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "council.meeting.deleted"))
        assert entry.actor_id == staff.id and council.public_item in entry.after["agenda_item_ids"]


def test_a_deleted_document_loses_its_bytes(app, client, council, staff, upload_storage):
    send(
        client,
        f"{STAFF}/vorlagen/{council.paper}/dokumente/neu",
        {
            "document": (io.BytesIO(pdf_bytes()), "a.pdf"),
            "name": "Anlage A",
            "role": "auxiliary",
            "public": "y",
        },
        content_type="multipart/form-data",
    )
    with app.app_context():
        file = db.session.scalar(select(File).where(File.name == "Anlage A"))
        file_id, key = file.id, file.storage_key
    assert send(client, f"{STAFF}/dokumente/{file_id}/loeschen", {}).status_code == 302
    assert client.get(f"/oparl/1.1/file/{file_id}/access").status_code == 404
    assert client.get(f"/oparl/1.1/file/{file_id}").get_json()["deleted"] is True
    with pytest.raises(FileNotFoundError):
        upload_storage.read(key)


# --- the OParl import ----------------------------------------------------------------------------


@pytest.fixture
def queued(app_factory, client):
    """An app whose jobs wait in a queue until the test runs them, as a worker would."""
    queued_app = app_factory(jobs_mode="worker", council_import_private_hosts=True)  # the fixture server
    return queued_app


@pytest.mark.parametrize(
    "url", ["ftp://ratsinfo.example.de/oparl/system", "kein Link", "https://", "http://[::1"]
)
def test_the_import_refuses_what_is_no_http_address(app, client, staff, url):
    response = send(client, f"{STAFF}/import", {"url": url})
    assert response.status_code == 422
    page = text_of(response)
    assert (
        "Please enter an address that starts with https:// or http://." in page
        or "This address names no server" in page
        or "This is not a web address" in page
    )
    assert count(app, CouncilImportRun) == 0


def test_the_import_page_enqueues_a_job_with_the_url(queued, user_factory):
    client = queued.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    staff = user_factory(role="staff")
    login(client, staff)
    url = "https://ratsinfo.example.de/oparl/v1/system"
    response = send(client, f"{STAFF}/import", {"url": url})
    assert response.status_code == 302
    jobs = queued.extensions["jobs"]
    assert jobs.pending() == 1
    task = jobs.huey.dequeue()
    name, data = task.args
    assert name == "participation.council.import_jobs:run_requested_import"
    assert data["kind"] == "council.import_requested" and data["payload"]["url"] == url
    page = text_of(client.get(f"{STAFF}/import"))
    assert url in page and "waiting to start" in page
    again = send(client, f"{STAFF}/import", {"url": "https://andere.example.de/oparl/system"})
    assert again.status_code == 422 and "Another import is still under way." in text_of(again)
    assert jobs.pending() == 0
    with queued.app_context():
        [run] = db.session.scalars(select(CouncilImportRun))
        assert (run.state, run.source, run.requested_by_id) == ("queued", url, staff.id)
        assert [
            e.action
            for e in db.session.scalars(
                select(AuditEntry).where(AuditEntry.object_type == "council_import_run")
            )
        ] == ["council.import.requested"]


@pytest.fixture(scope="module")
def oparl_server():
    server = FixtureServer().start()
    yield server
    server.stop()


def test_the_job_imports_and_the_page_shows_what_it_did(queued, oparl_server, user_factory):
    source = SyntheticCouncil(
        oparl_server,
        "/staff-import/oparl",
        papers=6,
        meetings=3,
        items_per_meeting=2,
        persons=4,
        organizations=2,
        locations=2,
    )
    client = queued.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, user_factory(role="staff"))
    assert send(client, f"{STAFF}/import", {"url": source.base + "/system"}).status_code == 302
    jobs = queued.extensions["jobs"]
    assert jobs.run_pending() == 1
    with queued.app_context():
        [run] = db.session.scalars(select(CouncilImportRun))
        assert run.state == "done" and run.started_at and run.finished_at and run.message is None
        assert run.objects["Paper"]["created"] == 6 and run.bodies[0]["complete"] is True
        [state] = db.session.scalars(select(CouncilImportState))
        assert state.source == source.base + "/system" and state.last_run_complete and state.synced_at
        assert db.session.scalar(select(func.count()).select_from(Paper)) == 6
        body = db.session.get(Body, state.body_id).name
        actions = list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == "council_import_run")
                .order_by(AuditEntry.id)
            )
        )
        assert actions == ["council.import.requested", "council.import.finished"]
    page = text_of(client.get(f"{STAFF}/import"))
    assert "finished" in page and body in page and '<th scope="row" lang="en">Paper</th><td>6</td>' in page
    # delivered again: the run is no longer queued, nothing runs twice
    from participation.core import events

    again = events.Event("council.import_requested", None, "council_import_run", run.id, {"run_id": run.id})
    with queued.app_context():
        from participation.council.import_jobs import run_requested_import

        run_requested_import(again)
        assert db.session.get(CouncilImportRun, run.id).finished_at == run.finished_at


def test_an_import_that_finds_no_system_fails_with_its_reason(queued, oparl_server, user_factory):
    client = queued.test_client()
    login(client, user_factory(role="staff"))
    assert (
        send(client, f"{STAFF}/import", {"url": oparl_server.url("/nothing-here/system")}).status_code == 302
    )
    queued.extensions["jobs"].run_pending()
    with queued.app_context():
        [run] = db.session.scalars(select(CouncilImportRun))
        assert run.state == "failed" and "no OParl System" in run.message
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = text_of(client.get(f"{STAFF}/import"))
    assert "failed" in page and "no OParl System" in page


def test_a_moment_that_is_no_date_comes_back_with_its_error(app, client, council, staff):
    response = send(client, f"{STAFF}/sitzungen/neu", {"name": "Ältestenrat", "start": "morgen früh"})
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(r'id="start-error">.*Not a valid datetime value', page)
    assert 'aria-invalid="true"' in page and 'value="morgen früh"' in page
    assert count(app, Meeting, Meeting.name == "Ältestenrat") == 0


def test_an_upload_without_a_file_says_so(app, client, council, staff):
    response = send(
        client,
        f"{STAFF}/sitzungen/{council.past_meeting}/dokumente/neu",
        {"name": "Einladung", "role": "invitation", "public": "y"},
    )
    assert response.status_code == 422
    assert "Please choose a PDF document." in text_of(response) and 'value="Einladung"' in text_of(response)
    assert count(app, File, File.name == "Einladung") == 0


def test_a_run_left_running_by_a_dead_worker_blocks_no_new_import(queued, user_factory):
    client = queued.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, user_factory(role="staff"))
    with queued.app_context():
        stale = utcnow() - timedelta(hours=13)
        db.session.add(
            CouncilImportRun(
                source="https://alt.example.de/oparl/system",
                state="running",
                requested_at=stale,
                started_at=stale,
            )
        )
        db.session.commit()
    assert "stopped without finishing" in text_of(client.get(f"{STAFF}/import"))
    response = send(client, f"{STAFF}/import", {"url": "https://neu.example.de/oparl/system"})
    assert response.status_code == 302 and queued.extensions["jobs"].pending() == 1
    assert count(queued, CouncilImportRun) == 2


def test_before_any_import_the_first_object_brings_its_body(app, client, staff):
    response = send(client, f"{STAFF}/personen/neu", {"given_name": "Ute", "family_name": "Berger"})
    assert response.status_code == 302
    with app.app_context():
        [body] = db.session.scalars(select(Body))
        assert body.name == "Stadtrat"  # in the city's language, whatever the page's
        [person] = db.session.scalars(select(Person))
        assert person.body_id == body.id and person.name == "Ute Berger"
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "council.body.created"))
        assert entry.actor_id == staff.id
    assert client.get(f"/oparl/1.1/body/{body.id}").get_json()["name"] == "Stadtrat"


def test_an_import_from_the_staff_pages_asks_no_host_of_our_own_network(
    app_factory, oparl_server, user_factory
):
    """A URL (or a redirect) must not make the server read its own network: refused unless the
    operator admits private hosts (COUNCIL_IMPORT_PRIVATE_HOSTS)."""
    guarded = app_factory(jobs_mode="worker")
    client = guarded.test_client()
    login(client, user_factory(role="staff"))
    assert (
        send(client, f"{STAFF}/import", {"url": oparl_server.url("/intern/oparl/system")}).status_code == 302
    )
    assert guarded.extensions["jobs"].run_pending() == 1
    with guarded.app_context():
        [run] = db.session.scalars(select(CouncilImportRun))
        assert run.state == "failed" and "no OParl System" in run.message
        assert "is not on the public internet" in str(run.warnings)  # the reason, shown on the page
        assert db.session.scalar(select(func.count()).select_from(Paper)) == 0
