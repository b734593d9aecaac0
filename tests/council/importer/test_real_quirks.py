"""Each quirk of the real servers in ../shared/oparl-real, one test each: the warning in the
run's report, and the value repaired, or the object skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from participation.council.importer.run import ImportFailed
from participation.council.models import (
    AgendaItem,
    Body,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Organization,
    Paper,
    PaperConsultation,
)
from participation.extensions import db
from tests.council.importer import real_sites
from tests.council.importer.conftest import make_client


def one(model, oparl_id):
    return db.session.scalar(select(model).where(model.oparl_id == oparl_id))


@pytest.fixture
def mount(oparl_server, prefix, real):
    def _mount(name: str, **options) -> real_sites.Site:
        return getattr(real_sites, name)(oparl_server, prefix, real, **options)

    return _mount


KREFELD = "https://ris.krefeld.de/webservice/oparl/v1.0"
LEIPZIG = "https://ratsinfo.leipzig.de/bi/oparl/1.0"
BONN = "https://www.bonn.sitzung-online.de/public/oparl"
KARLSRUHE = "https://web1.karlsruhe.de/oparl/bodies/0001"


# -- Sternberg (Krefeld) ---------------------------------------------------------------------------
def test_a_single_body_where_the_body_list_belongs_is_read_as_a_list(app, mount, run):
    result = run(mount("krefeld").start)

    assert result.report.warnings["object-for-list"] == 1
    with app.app_context():
        body = one(Body, f"{KREFELD}/body/1")
        assert body.name == "Stadt Krefeld"
        assert body.ags == "051140000"  # nine digits: kept as given, with a warning
    assert result.report.warnings["ags-unusual"] == 1
    assert result.report.warnings["vendor-key"] == 1  # STERNBERG:RIMVersion on the System


def test_a_404_for_an_empty_modified_since_result_is_nothing_changed(app, mount, run, snapshot):
    site = mount("krefeld")
    run(site.start)
    before = snapshot()

    second = run(site.start)

    assert second.bodies[0].since is not None and second.bodies[0].complete
    assert second.report.warnings["404-for-empty-list"] == 1  # the paper list
    assert second.report.failed_lists == []
    assert snapshot() == before


def test_a_bare_array_for_an_empty_modified_since_result_is_an_empty_page(app, mount, run):
    site = mount("krefeld")
    run(site.start)

    second = run(site.start)

    assert second.report.warnings["bare-array-for-list"] == 1  # the meeting list
    assert any("[] read as an empty page" in text for text in second.report.examples["bare-array-for-list"])


def test_a_tombstone_without_type_marks_the_object_deleted(app, mount, run):
    site = mount("krefeld")
    run(site.start)
    with app.app_context():
        file = one(File, f"{KREFELD}/body/1/file/2-19309")
        assert not file.deleted
        assert file.access_url == f"{KREFELD}/files/rim/erfunden.pdf"  # 'files//rim' mended

    site.state["paper"] = "file-deleted"
    second = run(site.start)

    assert second.report.warnings["tombstone-without-type"] == 1
    assert second.report.objects["File"]["deleted"] == 1
    with app.app_context():
        file = one(File, f"{KREFELD}/body/1/file/2-19309")
        assert file.deleted and file.name == "Erfundene Anlage"
        assert file.modified == datetime(2019, 4, 16, 7, 2, 31, tzinfo=UTC)


# -- ALLRIS 1.0 (Leipzig) --------------------------------------------------------------------------
def test_a_spurious_500_is_retried(app, mount, run, oparl_server, prefix):
    site = mount("leipzig")
    result = run(site.start)

    assert result.report.warnings["server-error-retried"] == 1
    asked = [url for url in oparl_server.asked if url.startswith(prefix) and url.endswith("body=2387&p=2")]
    assert [oparl_server.asked[url] for url in asked] == [2]
    with app.app_context():
        assert one(Paper, f"{LEIPZIG}/papers.asp?id=1000030").reference == "DS-00029/14"


def test_retries_are_bounded_and_a_lost_page_keeps_the_body_unsynced(app, mount, run):
    site = mount("leipzig")
    result = run(site.start, retries=0)

    assert result.bodies[0].complete is False
    assert len(result.report.failed_lists) == 1 and "HTTP 500" in result.report.failed_lists[0]


def test_a_link_to_a_page_that_404s_is_warned_about_and_the_walk_goes_on(app, mount, run):
    result = run(mount("leipzig").start)

    assert result.bodies[0].complete
    assert any("p=3" in text for text in result.report.examples["list-unreachable"])


def test_empty_strings_and_n_a_are_absent_values(app, mount, run):
    result = run(mount("leipzig").start)

    with app.app_context():
        body = one(Body, f"{LEIPZIG}/bodies.asp?id=2387")
        assert body.short_name is None  # ""
        assert (
            body.created == body.modified == datetime(2018, 12, 17, 13, 48, 52, tzinfo=UTC)
        )  # "created": ""
        paper = one(Paper, f"{LEIPZIG}/papers.asp?id=1000030")
        assert paper.web is None  # "N/Avo020.asp?VOLFDNR=1000030"
    assert result.report.warnings["empty-string"] >= 2
    assert result.report.warnings["not-a-url"] == 1


def test_embedded_objects_of_1_0_without_body_or_timestamps_get_them_from_their_parent(app, mount, run):
    result = run(mount("leipzig").start)

    with app.app_context():
        body = one(Body, f"{LEIPZIG}/bodies.asp?id=2387")
        terms = db.session.scalars(select(LegislativeTerm).order_by(LegislativeTerm.start_date)).all()
        assert [(t.name, t.body_id, t.start_date) for t in terms] == [
            ("Wahlperiode V", body.id, date(2009, 11, 11)),
            ("Wahlperiode VI", body.id, date(2014, 12, 18)),
        ]
        main_file = one(Paper, f"{LEIPZIG}/papers.asp?id=1000030").main_file
        assert main_file.size == 211644 and main_file.created == main_file.modified  # it has no created
    assert result.report.warnings["no-timestamps"] == 2  # the two terms


def test_line_breaks_in_names_are_one_space(app, mount, run):
    result = run(mount("leipzig").start)

    with app.app_context():
        paper = one(Paper, f"{LEIPZIG}/papers.asp?id=1000030")
        assert (
            paper.name
            == "Konzept der Stadt Leipzig zur fairen und nachhaltigen Beschaffung (eRis: DS V/3966)"
        )
    assert result.report.warnings["line-break-in-name"] == 1


# -- ALLRIS 1.1 (Bonn) ------------------------------------------------------------------------------
def test_offsets_with_a_double_colon_are_mended(app, mount, run):
    result = run(mount("bonn").start)

    with app.app_context():
        body = one(Body, f"{BONN}/bodies?id=1")
        assert body.created == datetime(2019, 12, 15, 4, 1, 23, tzinfo=UTC)
    assert result.report.warnings["timestamp-double-colon"] >= 8


def test_datetimes_where_dates_belong_keep_their_calendar_day(app, mount, run):
    result = run(mount("bonn").start)

    with app.app_context():
        term = one(LegislativeTerm, f"{BONN}/legislativeTerms?id=1_1")
        assert (term.start_date, term.end_date) == (date(1971, 5, 4), date(1975, 5, 4))
        invitation = one(File, f"{BONN}/files?id=2026137&dtyp=108")
        assert invitation.date == date(2021, 4, 27)
    assert result.report.warnings["datetime-for-date"] >= 5


def test_an_object_where_a_list_of_files_belongs_and_odd_file_values(app, mount, run):
    result = run(mount("bonn").start)

    with app.app_context():
        meeting = one(Meeting, f"{BONN}/meetings?id=664")
        [attachment] = meeting.auxiliary_files
        assert attachment.name == "Alle Anlagen öffentlich" and attachment.mime_type == "application/pdf"
        assert attachment.size == 553767 and attachment.download_url is None  # downloadUrl: ""
        invitation = meeting.invitation
        assert (
            invitation.mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert invitation.size is None  # size: 0 is no size
        assert [item.order for item in meeting.agenda_items] == [100001]
    assert result.report.warnings["object-for-list"] == 1
    assert result.report.warnings["mime-type-is-extension"] == 2
    assert result.report.warnings["size-not-positive"] == 1
    assert any("memberships?body=1" in text for text in result.report.examples["list-unreachable"])


# -- Somacos 1.0 (Wuppertal) -------------------------------------------------------------------------
def test_references_that_404_are_warned_about_and_left_out(app, mount, run):
    result = run(mount("wuppertal").start)

    with app.app_context():
        meeting = one(Meeting, "http://oparl.wuppertal.de/oparl/bodies/0001/meetings/19160")
        assert meeting.organizations == [] and meeting.participants == []
        assert [f.name for f in meeting.auxiliary_files] == [
            "Einladung gesamt",
            "Niederschrift",
            "Zusammenstellung_der_amtlichen_Ergebnisse",
        ]
        assert one(Body, "http://oparl.wuppertal.de/oparl/bodies/0001").equivalent == []  # [""]
    assert result.report.warnings["link-unreachable"] == 3
    assert result.report.warnings["unresolved-reference"] == 3


def test_modified_since_goes_out_without_an_encoded_colon(app, mount, run, oparl_server, prefix):
    site = mount("wuppertal")
    run(site.start)

    second = run(site.start)

    assert second.bodies[0].complete and second.report.failed_lists == []
    asked = [
        url for url in oparl_server.asked if url.startswith(prefix) and "meetings?modified_since=" in url
    ]
    assert asked and all("%3A" not in url and "%2B00:00" in url for url in asked)


# -- Somacos 1.1 (Karlsruhe) ------------------------------------------------------------------------
def test_ids_that_do_not_answer_keep_their_id_and_are_fetched_where_they_answer(
    app, mount, run, oparl_server, prefix
):
    site = mount("karlsruhe")
    result = run(site.start)

    assert any("/ris/oparl/" in text for text in result.report.examples["id-differs-from-url"])
    asked = [url for url in oparl_server.asked if url.startswith(prefix + "/")]
    assert asked and all(url.startswith(prefix + "/ris/oparl/") for url in asked)
    assert not [text for text in result.report.examples["link-unreachable"] if "allowed hosts" in text]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Organization)) == 97
        assert db.session.scalar(select(db.func.count()).select_from(Meeting)) == 20
        assert db.session.scalar(select(db.func.count()).select_from(Paper)) == 26  # 33, 7 of them tombstones
        consultation = one(PaperConsultation, f"{KARLSRUHE}/consultations/20964")
        assert consultation.paper.oparl_id == f"{KARLSRUHE}/papers/vo/41017"
        assert consultation.organizations[0].oparl_id == f"{KARLSRUHE}/organizations/gr/32130"
    assert result.report.warnings["tombstone-of-unknown-object"] == 7
    assert result.bodies[0].complete


def test_a_configured_rewrite_does_what_a_learned_one_does(app, mount, run, oparl_server, prefix):
    site = mount("karlsruhe")
    rewrite = ("https://web1.karlsruhe.de/oparl/", oparl_server.url(prefix + "/ris/oparl/"))
    result = run(site.start, rewrites=[rewrite], learn=False)

    assert result.report.warnings["id-differs-from-url"] == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Meeting)) == 20


def test_a_tombstone_with_blanked_values_marks_a_known_paper_deleted_and_blanks_nothing(app, mount, run):
    site = mount("karlsruhe")
    with app.app_context():
        body = Body(name="Stadt Karlsruhe", oparl_id=KARLSRUHE)
        db.session.add(body)
        db.session.flush()
        db.session.add(Paper(body_id=body.id, oparl_id=f"{KARLSRUHE}/papers/ag/414", name="Ein Antrag"))
        db.session.commit()

    result = run(site.start)

    assert result.report.objects["Paper"]["deleted"] == 1
    with app.app_context():
        paper = one(Paper, f"{KARLSRUHE}/papers/ag/414")
        assert paper.deleted and paper.name == "Ein Antrag"
        assert paper.modified == datetime(2025, 11, 20, 6, 24, 4, tzinfo=UTC)


def test_coordinates_given_as_strings_become_numbers_and_empty_strings_nothing(app, mount, run):
    result = run(mount("karlsruhe").start)

    with app.app_context():
        location = one(Location, "https://web1.karlsruhe.de/oparl/bodies/0001/locations/2")
        assert location.geojson["geometry"]["coordinates"] == [8.31749, 49.00595]  # lon, lat: not swapped
        assert location.geojson["properties"] == {}
        room = one(Location, "https://web1.karlsruhe.de/oparl/bodies/0001/locations/rm/67923")
        assert (room.room, room.street_address, room.postal_code) == ("Kleiner Sitzungssaal", None, None)
        numbers = db.session.scalars(select(AgendaItem.number).where(AgendaItem.number.is_(None))).all()
        assert numbers  # "number": ""
    assert result.report.warnings["coordinates-as-strings"] == 1  # the other two papers are deleted
    assert result.report.warnings["lat-lon-swapped"] == 0


# -- ALLRIS 1.0 (Braunschweig) ----------------------------------------------------------------------
def test_raw_control_characters_in_json_are_escaped_and_dropped_mojibake_stays(app, mount, run):
    result = run(mount("braunschweig").start)

    assert result.report.warnings["control-characters-in-json"] == 1
    assert result.report.warnings["control-characters"] == 1
    with app.app_context():
        paper = one(Paper, "https://ratsinfo.braunschweig.de/bi/oparl/1.0/papers.asp?id=1664")
        assert paper.name.startswith("Volkshochschule Braunschweig e. V. Umwandlung in eine Gesellschaft mit")
        assert "beschr\u201enkter Haftung" in paper.name  # CP850 read as CP1252: text, as sent
        assert not any(ord(char) < 0x20 for char in paper.name)
        assert paper.reference == "1664/99"


def test_a_client_only_asks_the_allowed_hosts(app, mount, run):
    site = mount("braunschweig")
    client = make_client(learn=False)  # ids on ratsinfo.braunschweig.de are not rewritten to 127.0.0.1
    with pytest.raises(ImportFailed, match="'ratsinfo.braunschweig.de' is not among the allowed hosts"):
        run(site.start, client=client)
