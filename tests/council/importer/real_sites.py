"""The captured answers of real OParl servers (../shared/oparl-real), mounted on the fixture
server so the importer can walk them as it would walk the real thing.

The captured objects are served as they are (bytes, or values re-serialised unchanged where a
file holds several answers); what the captures lack to make a walk (a System, a Body, list
pages around objects, a changed state for a second run) is invented here and says so. Ids keep
their real hosts: the importer learns from the System where they answer (127.0.0.1 here), as it
learns Karlsruhe's `/oparl/` -> `/ris/oparl/`. The fixture server never fetches anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.council.oparl_fixture_server import NOT_FOUND, FixtureServer, Reply, Request, page, raw_page

V10 = "https://schema.oparl.org/1.0/"
V11 = "https://schema.oparl.org/1.1/"


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _empty(_request: Request) -> Reply:
    return Reply(200, page([]))


@dataclass
class Site:
    start: str  # the URL to import from
    state: dict = field(default_factory=dict)  # what a test may switch between runs


def leipzig(server: FixtureServer, prefix: str, real: Path) -> Site:
    """ALLRIS 1.0 (Leipzig): `N/A` and `""` for absent values, `\\r\\n` in a paper's name, the
    second page of the paper list answering 500 once, the third one 404."""
    mst = real / "meine-stadt-transparent"
    root = prefix + "/leipzig/bi/oparl/1.0"
    real_root = "https://ratsinfo.leipzig.de/bi/oparl/1.0"
    server.add(root + "/system.asp", Reply(200, _text(mst / "systems" / "Stadt Leipzig.json")))
    server.add(root + "/bodies.asp", Reply(200, raw_page([_text(mst / "bodies" / "Stadt Leipzig.json")])))
    for name in ("organizations", "persons", "meetings"):
        server.add(f"{root}/{name}.asp?body=2387", _empty)
    # invented: the first page, which the capture lacks, leads to the captured second one
    server.add(root + "/papers.asp?body=2387", page([], next_url=f"{real_root}/papers.asp?body=2387&p=2"))
    second = _text(mst / "leipzig-allris-1.0-papers-page2.json")

    def page_two(request: Request) -> Reply:
        if request.times == 1:
            return Reply(500, "<html><body>Internal Server Error</body></html>", "text/html")
        return Reply(200, second)

    server.add(root + "/papers.asp?body=2387&p=2", page_two)  # its next, p=3, answers 404
    return Site(server.url(root + "/system.asp"))


def krefeld(server: FixtureServer, prefix: str, real: Path) -> Site:
    """SD.NET RIM 1.0 (Krefeld): one Body where the body list belongs, an empty
    `modified_since` result as a 404 text/html or as a bare `[]`, a deleted File without type."""
    mst = real / "meine-stadt-transparent"
    quirks = json.loads(_text(mst / "krefeld-sternberg-quirks.json"))
    body = quirks["GET /body (expected a list page, server returns a single Body object)"]
    not_found = quirks[
        "GET /body/1/paper?modified_since=... when nothing changed: HTTP 404, Content-Type text/html, body"
    ]
    tombstone = quirks["GET /body/1/file/2-19309 (deleted object without type)"]
    root = prefix + "/krefeld/webservice/oparl/v1.0"
    real_root = "https://ris.krefeld.de/webservice/oparl/v1.0"
    site = Site(server.url(root + "/system"), {"paper": "unchanged"})
    server.add(root + "/system", Reply(200, _text(mst / "systems" / "Stadt Krefeld.json")))
    server.add(root + "/body", Reply(200, body))
    server.add(root + "/body/1/organization", _empty)
    server.add(root + "/body/1/person", _empty)
    server.add(root + "/body/1/meeting", lambda r: Reply(200, []) if r.since else Reply(200, page([])))
    # invented: a paper whose main file is the one that is deleted later
    paper = {
        "id": f"{real_root}/body/1/paper/1-1",
        "type": V10 + "Paper",
        "body": f"{real_root}/body/1",
        "name": "Erfundene Vorlage",
        "created": "2019-03-01T10:00:00+01:00",
        "modified": "2019-03-19T10:00:00+01:00",
        "mainFile": {
            "id": tombstone["id"],
            "type": V10 + "File",
            "name": "Erfundene Anlage",
            "accessUrl": f"{real_root}/files//rim/erfunden.pdf",
            "created": tombstone["created"],
            "modified": tombstone["created"],
        },
    }
    later = {**paper, "modified": tombstone["modified"], "mainFile": tombstone}

    def papers(request: Request) -> Reply:
        if request.since is None:
            return Reply(200, page([paper]))
        if site.state["paper"] == "unchanged":
            return Reply(404, not_found, "text/html")
        return Reply(200, page([later]))

    server.add(root + "/body/1/paper", papers)
    server.add(root + "/body/1/file/2-19309", Reply(200, tombstone))
    return site


def bonn(server: FixtureServer, prefix: str, real: Path) -> Site:
    """ALLRIS 1.1 (Bonn): `+01::00` offsets, datetimes for dates, `auxiliaryFile` as one object,
    `mimeType: "docx"`, `size: 0`, `downloadUrl: ""`; the membership list answers 404."""
    mst = real / "meine-stadt-transparent" / "bonn-allris-1.1"
    root = prefix + "/bonn/public/oparl"
    real_root = "https://www.bonn.sitzung-online.de/public/oparl"
    system = {  # invented: the capture has no System
        "id": real_root + "/system",
        "type": V11 + "System",
        "oparlVersion": V11,
        "body": real_root + "/bodies",
    }
    server.add(root + "/system", Reply(200, system))
    server.add(root + "/bodies", Reply(200, raw_page([_text(mst / "body-double-colon-offset.json")])))
    for name in ("organizations", "persons", "papers", "agendaItems", "consultations", "files", "locations"):
        server.add(f"{root}/{name}?body=1", _empty)
    server.add(root + "/legislativeTerms?body=1", _empty)
    server.add(
        root + "/meetings?body=1", Reply(200, raw_page([_text(mst / "meeting-auxiliaryFile-is-object.json")]))
    )
    return Site(server.url(root + "/system"))


def wuppertal(server: FixtureServer, prefix: str, real: Path) -> Site:
    """Somacos SessionNet 1.0 (Wuppertal): a meeting naming organisations and a person whose
    URLs answer 404; the server fails on a percent-encoded `:` in `modified_since`."""
    mst = real / "meine-stadt-transparent" / "wuppertal-somacos-missing"
    root = prefix + "/wuppertal/oparl"
    server.add(root + "/system", Reply(200, _text(mst / "system.json")))
    server.add(root + "/bodies", Reply(200, raw_page([_text(mst / "body.json")])))
    meeting = _text(mst / "meeting.json")

    def somacos(objects_text: list[str]):
        def handler(request: Request) -> Reply:
            if "%3A" in request.raw_query.upper():
                return Reply(500, "<html>Fehler</html>", "text/html")
            return Reply(200, raw_page([] if request.since else objects_text))

        return handler

    server.add(root + "/bodies/0001/meetings", somacos([meeting]))
    for name in ("organizations", "people", "papers"):
        server.add(f"{root}/bodies/0001/{name}", somacos([]))
    return Site(server.url(root + "/system"))


def karlsruhe(server: FixtureServer, prefix: str, real: Path, *, per_page: int = 50) -> Site:
    """Somacos 1.1 (Karlsruhe): ids say `https://web1.karlsruhe.de/oparl/`, only `/ris/oparl/`
    answers (here: on 127.0.0.1). The captured organisations, meetings, papers and consultations
    in pages; objects by id answer too where the capture has them."""
    ka = real / "karlsruhe-somacos-1.1"
    root = prefix + "/ris/oparl"
    real_root = "https://web1.karlsruhe.de/oparl"
    body_id = real_root + "/bodies/0001"
    lists = {
        "organizations": json.loads(_text(ka / "organizations.json")),
        "meetings": [json.loads(_text(p)) for p in sorted(ka.glob("meetings/*.json"), key=_number)],
        "papers": [json.loads(_text(p)) for p in sorted(ka.glob("papers/*.json"), key=_number)],
        "consultations": json.loads(_text(ka / "consultations.json")),
        "people": [],
    }
    system = {
        "id": real_root + "/system",
        "type": V11 + "System",
        "oparlVersion": V11,
        "body": real_root + "/bodies",
    }
    body = {  # invented: the capture has no Body
        "id": body_id,
        "type": V11 + "Body",
        "system": system["id"],
        "name": "Stadt Karlsruhe",
        "organization": body_id + "/organizations",
        "person": body_id + "/people",
        "meeting": body_id + "/meetings",
        "paper": body_id + "/papers",
        "consultation": body_id + "/consultations",
        "legislativeTerm": [],
    }
    server.add(root + "/system", Reply(200, system))
    server.add(root + "/bodies", Reply(200, page([body])))
    for name, objects in lists.items():
        server.add(f"{root}/bodies/0001/{name}", _paged(objects, f"{body_id}/{name}", per_page))
    by_id = {obj["id"]: obj for objects in lists.values() for obj in objects}

    def one(request: Request) -> Reply:
        oparl_id = real_root + request.path[len(root) :]
        return Reply(200, by_id[oparl_id]) if oparl_id in by_id else NOT_FOUND

    server.add_prefix(root, one)
    return Site(server.url(root + "/system"))


def braunschweig(server: FixtureServer, prefix: str, real: Path) -> Site:
    """ALLRIS 1.0 (Braunschweig): a paper with raw control characters in its JSON and CP850
    mojibake in its name; System, Body and the page around the paper are invented."""
    root = prefix + "/braunschweig/bi/oparl/1.0"
    real_root = "https://ratsinfo.braunschweig.de/bi/oparl/1.0"
    system = {
        "id": real_root + "/system.asp",
        "type": V10 + "System",
        "oparlVersion": V10,
        "body": real_root + "/bodies.asp",
    }
    body = {
        "id": real_root + "/bodies.asp?id=1",
        "type": V10 + "Body",
        "system": system["id"],
        "name": "Stadt Braunschweig",
        **{key: f"{real_root}/{key}s.asp?body=1" for key in ("organization", "person", "meeting", "paper")},
        "legislativeTerm": [],
    }
    server.add(root + "/system.asp", Reply(200, system))
    server.add(root + "/bodies.asp", Reply(200, page([body])))
    for key in ("organization", "person", "meeting"):
        server.add(f"{root}/{key}s.asp?body=1", _empty)
    broken = _text(real / "meine-stadt-transparent" / "braunschweig-allris-paper-broken.json.txt")
    server.add(root + "/papers.asp?body=1", Reply(200, raw_page([broken])))
    return Site(server.url(root + "/system.asp"))


def _number(path: Path) -> int:
    return int(path.stem)


def _paged(objects: list, list_id: str, per_page: int):
    def handler(request: Request) -> Reply:
        if request.since is not None:
            return Reply(200, page([]))
        number = request.page
        chunk = objects[(number - 1) * per_page : number * per_page]
        more = number * per_page < len(objects)
        return Reply(
            200, page(chunk, next_url=f"{list_id}?page={number + 1}" if more else None, total=len(objects))
        )

    return handler
