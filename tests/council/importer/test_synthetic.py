"""A standard OParl 1.1 server (tests/council/importer/synthetic.py): a full import, a second
run that changes nothing, and an incremental run that picks up changes and tombstones."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.council.import_models import CouncilImportState
from participation.council.models import (
    AgendaItem,
    Body,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    PaperConsultation,
    Person,
)
from participation.extensions import db


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_a_full_import_brings_every_object_of_every_page(app, synthetic, run):
    council = synthetic()
    result = run(council.base + "/system")

    report = result.report
    assert [body.complete for body in result.bodies] == [True]
    assert report.skipped == []
    with app.app_context():
        assert count(Body) == 1
        assert count(Paper) == 250
        assert count(Meeting) == 30
        assert count(AgendaItem) == 150
        assert count(PaperConsultation) == 250
        assert count(Person) == 40
        assert count(Membership) == 80
        assert count(Organization) == 12
        assert count(LegislativeTerm) == 2
        assert count(Location) == 10
        assert count(File) == 280  # a main file per paper, an invitation per meeting
        paper = db.session.scalar(select(Paper).where(Paper.oparl_id == council.id("Paper", 10)))
        assert paper.name == "Vorlage Nummer 10"
        assert paper.main_file.name == "Vorlage 10"
        assert [p.oparl_id for p in paper.subordinated_papers] == [council.id("Paper", 11)]
        assert [o.oparl_id for o in paper.originator_organizations] == [council.id("Organization", 11)]
        assert [loc.oparl_id for loc in paper.locations] == [council.id("Location", 1)]
        consultation = paper.consultations[0]
        assert consultation.meeting.oparl_id == council.id("Meeting", 11)
        assert consultation.agenda_item.oparl_id == council.id("AgendaItem", 11)
        # the source's timestamps, not the time of the import
        assert paper.created.isoformat() == council.records["Paper"][paper.oparl_id]["created"]
        state = db.session.scalar(select(CouncilImportState))
        assert state.body_id == paper.body_id and state.last_run_complete and state.synced_at is not None


def test_a_second_run_changes_nothing(app, synthetic, run, snapshot):
    council = synthetic()
    run(council.base + "/system")
    before = snapshot()

    again = run(council.base + "/system", full=True)  # every list read again, in full

    assert (
        again.report.total("created") == again.report.total("updated") == again.report.total("deleted") == 0
    )
    assert again.report.total("unchanged") > 1000
    assert snapshot() == before


def test_an_incremental_run_asks_for_changes_only_and_applies_them(
    app, synthetic, run, snapshot, oparl_server
):
    council = synthetic()
    first = run(council.base + "/system")
    assert first.bodies[0].since is None
    before = snapshot()

    council.touch("Paper", 7, name="Vorlage Nummer 7, geändert")
    council.touch("AgendaItem", 3, result="angenommen")  # its meeting changes with it
    council.delete("Paper", 8)
    council.delete("AgendaItem", 4)
    council.add("Paper", 900, body=council.id_body, name="Neue Vorlage", reference="VIII-DS-00900")
    oparl_server.asked.clear()

    second = run(council.base + "/system")

    assert second.bodies[0].since is not None and second.bodies[0].complete
    asked = [url for url in oparl_server.asked if url.startswith(council.prefix) and "/body/1/" in url]
    assert asked and all("modified_since=" in url for url in asked)
    report = second.report
    assert report.objects["Paper"]["created"] == 1
    assert report.objects["Paper"]["updated"] == 1
    assert report.objects["Paper"]["deleted"] == 1
    assert report.objects["AgendaItem"]["deleted"] == 1
    assert report.objects["AgendaItem"]["updated"] == 1
    after = snapshot()
    moved = {key for key in before["rows"] if after["rows"][key] != before["rows"][key]}
    assert moved == {
        ("Paper", council.id("Paper", 7)),
        ("Paper", council.id("Paper", 8)),
        ("AgendaItem", council.id("AgendaItem", 3)),
        ("AgendaItem", council.id("AgendaItem", 4)),
        ("Meeting", council.id("Meeting", 1)),
    }
    with app.app_context():
        paper = db.session.scalar(select(Paper).where(Paper.oparl_id == council.id("Paper", 8)))
        assert paper.deleted and paper.name == "Vorlage Nummer 8"  # the tombstone blanks nothing
        assert count(Paper) == 251


def test_a_malformed_object_leaves_no_partial_rows_and_the_rest_is_imported(app, synthetic, run):
    council = synthetic(
        papers=20, per_page=7, meetings=4, persons=5, organizations=3, locations=2, malformed=True
    )
    result = run(council.base + "/system")

    skipped = dict(result.report.skipped)
    assert list(skipped) == [council.malformed_paper["id"]]
    assert "no id" in skipped[council.malformed_paper["id"]]
    assert result.report.warnings["object-skipped"] == 1
    with app.app_context():
        assert count(Paper) == 20
        assert count(Paper, oparl_id=council.malformed_paper["id"]) == 0
        assert count(File, oparl_id=council.malformed_file["id"]) == 0  # embedded in it, gone with it
        assert count(PaperConsultation) == 20


def test_an_object_naming_one_no_list_brought_waits_for_it_to_be_fetched_by_id(app, synthetic, run):
    council = synthetic(papers=3, meetings=1, persons=3, organizations=3, locations=1)
    hidden = council.records["Organization"][council.id("Organization", 2)]
    hidden["_unlisted"] = True  # in no list, but its URL answers

    result = run(council.base + "/system")

    assert result.report.skipped == []
    with app.app_context():
        organization = db.session.scalar(select(Organization).where(Organization.oparl_id == hidden["id"]))
        assert organization.name == "Ausschuss 2"
        members = db.session.scalars(
            select(Membership).where(Membership.organization_id == organization.id)
        ).all()
        assert len(members) == 2  # persons 3 and 1 were imported before it, their memberships waited
        assert count(Membership) == 6


def test_a_1_0_server_deletes_embedded_objects_by_leaving_them_out(app, synthetic, run):
    council = synthetic(
        papers=4,
        meetings=2,
        persons=2,
        organizations=2,
        locations=1,
        lists=("organization", "person", "meeting", "paper"),
    )
    run(council.base + "/system")
    council.delete("AgendaItem", 2)  # no agendaItem list: the meeting just stops embedding it
    council.delete("Membership", 1)

    second = run(council.base + "/system")

    assert second.report.objects["AgendaItem"]["deleted"] == 1
    assert second.report.objects["Membership"]["deleted"] == 1
    with app.app_context():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.oparl_id == council.id("AgendaItem", 2)))
        assert item.deleted and item.name == "Tagesordnungspunkt 2 der Sitzung 1"
        assert count(AgendaItem, deleted=False) == 9


def test_an_object_the_database_refuses_is_skipped_whole_and_the_rest_of_its_page_is_imported(
    app, synthetic, run
):
    council = synthetic(papers=20, per_page=7, meetings=4, persons=5, organizations=3, locations=2)
    # a size no integer column holds (PostgreSQL: out of range; SQLite: too large for 64 bits),
    # in a file that only paper 5 embeds: mapping it succeeds, writing its page fails
    refused = council.add("File", 999, name="Zu groß", fileName="riesig.pdf", size=10**20, _unlisted=True)
    council.records["Paper"][council.id("Paper", 5)]["_mainFile"] = refused["id"]

    result = run(council.base + "/system")

    assert {where for where, _why in result.report.skipped} == {council.id("Paper", 5)}
    with app.app_context():
        assert count(Paper, oparl_id=council.id("Paper", 5)) == 0
        assert count(File, oparl_id=refused["id"]) == 0  # embedded in it, gone with it
        assert count(Paper) == 19  # its page's other six too
        assert count(PaperConsultation) == 20  # its consultation stays, without the paper
        assert count(PaperConsultation, paper_id=None) == 1
