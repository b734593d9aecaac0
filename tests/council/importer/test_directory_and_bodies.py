"""A directory of JSON files as the source (`flask council import-oparl DIR`), here the 29 real
Body objects of ../shared/oparl-real/meine-stadt-transparent/bodies behind an invented System:
GeoJSON in lat,lon order, NBSP in postal codes, AGS without its leading zero, vendor keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from participation.council.importer.client import DirectoryTransport, OParlClient
from participation.council.importer.report import Report
from participation.council.importer.run import Options, run_import
from participation.council.models import Body, Location
from participation.extensions import db
from tests.council.oparl_fixture_server import raw_page

SYSTEM = "https://bodies.invalid/oparl/system"
FRECHEN = "https://sdnetrim.kdvz-frechen.de/rim4550/webservice/oparl/v1.0"


@pytest.fixture
def bodies_directory(real, tmp_path) -> Path:
    texts = [
        path.read_bytes().decode("utf-8")
        for path in sorted((real / "meine-stadt-transparent" / "bodies").glob("*.json"))
    ]
    (tmp_path / "system.json").write_text(
        json.dumps(
            {"id": SYSTEM, "type": "https://schema.oparl.org/1.0/System", "body": SYSTEM[:-6] + "bodies"}
        )
    )
    (tmp_path / "bodies.json").write_bytes(raw_page(texts))
    (tmp_path / "urls.json").write_text(json.dumps({SYSTEM[:-6] + "bodies": "bodies.json"}))
    return tmp_path


@pytest.fixture
def imported(app, bodies_directory):
    transport = DirectoryTransport(bodies_directory)
    client = OParlClient(transport, Report(), sleep=lambda seconds: None)
    with app.app_context():
        result = run_import(db.session, client, transport.entry, options=Options())
    return result.report


def location_of(body_name: str) -> Location:
    body = db.session.scalar(select(Body).where(Body.name == body_name))
    return body.location


def test_every_body_of_the_directory_is_imported_and_its_missing_lists_are_warned_about(app, imported):
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Body)) == 29
    assert imported.warnings["list-unreachable"] == 29 * 4  # no file for any body's lists
    assert imported.failed_lists == []


def test_geojson_in_lat_lon_order_is_swapped(app, imported):
    with app.app_context():
        location = location_of("Gemeinde Kall")
        assert location.geojson["geometry"]["coordinates"] == [6.557169, 50.539789]
        assert location.geojson["type"] == "Feature" and location.geojson["properties"] == {}
    assert imported.warnings["lat-lon-swapped"] == 22


def test_nbsp_and_spaces_around_postal_codes_are_stripped(app, imported):
    with app.app_context():
        assert location_of("Gemeinde Kall").postal_code == "53925"  # "53925\u00a0"
    assert imported.warnings["postal-code-whitespace"] == 17


def test_an_ags_that_lost_its_leading_zero_gets_it_back(app, imported):
    with app.app_context():
        body = db.session.scalar(select(Body).where(Body.oparl_id == f"{FRECHEN}/body/1"))
        assert body.ags == "05366024"  # "5366024"
    assert imported.warnings["ags-leading-zero"] == 18


def test_vendor_keys_are_ignored_with_a_warning(app, imported, real):
    vendor_keys = sum(
        1
        for path in (real / "meine-stadt-transparent" / "bodies").glob("*.json")
        for key in json.loads(path.read_text(encoding="utf-8"))
        if ":" in key
    )
    assert imported.warnings["vendor-key"] == vendor_keys


def test_a_directory_maps_urls_by_host_and_path_too(tmp_path):
    (tmp_path / "system.json").write_text(json.dumps({"id": "https://x.invalid/oparl/system"}))
    (tmp_path / "x.invalid" / "oparl").mkdir(parents=True)
    (tmp_path / "x.invalid" / "oparl" / "bodies?page=2.json").write_text('{"data": []}')
    transport = DirectoryTransport(tmp_path)

    assert transport.entry == "https://x.invalid/oparl/system"
    assert transport.get("https://x.invalid/oparl/system").status == 200
    assert transport.get("https://x.invalid/oparl/bodies?page=2").body == b'{"data": []}'
    assert transport.get("https://x.invalid/../../etc/passwd").status == 404
