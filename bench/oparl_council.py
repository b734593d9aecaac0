"""A city council the size of Leipzig's as an OParl 1.1 server, for bench/council_import.py.

tests/council/importer/synthetic.py does not scale to it (every rendered parent scans every
record of its children's type), and its shape is too even: one file and one consultation per
paper, five items per meeting. This one is built once, indexed, and shaped as real councils
are (numbers for the default of 10,000 papers):

- papers with 1 to 5 files each (a main file and up to four others), some with locations,
  originators, related and subordinated papers; most are consulted once to three times,
  one in fifty in 8 to 25 meetings (the budget, a land-use plan);
- about 1,500 meetings, most with 5 to 60 agenda items, a few council sessions with 250 to 450;
  invitations, result protocols, attachments, resolution files;
- 300 persons with 1 to 5 memberships each, 60 organisations, 40 locations, 3 terms.

Served as a standard server does (reusing the tests' fixture server: real HTTP on 127.0.0.1,
keep-alive): every list paginated at `per_page` (100) with `links.next`, `modified_since`
filtering, embedded objects inside their parents (files, locations, agenda items,
consultations, memberships) and in the body's lists of their own, objects by id. Seeded, so
every run serves the same council.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.council.oparl_fixture_server import NOT_FOUND, FixtureServer, Reply, Request

SCHEMA = "https://schema.oparl.org/1.1/"
# list segment -> (OParl type, the Body's attribute naming the list)
LISTS = {
    "legislativeTerm": ("LegislativeTerm", "legislativeTermList"),
    "location": ("Location", "locationList"),
    "organization": ("Organization", "organization"),
    "person": ("Person", "person"),
    "membership": ("Membership", "membership"),
    "meeting": ("Meeting", "meeting"),
    "agendaItem": ("AgendaItem", "agendaItem"),
    "file": ("File", "file"),
    "paper": ("Paper", "paper"),
    "consultation": ("Consultation", "consultation"),
}
SEGMENT = {oparl_type: segment for segment, (oparl_type, _attr) in LISTS.items()}
# private keys of a record (never sent): what is embedded where, and the parent that embeds it
EMBED_ONE = {
    "Organization": (("location", "Location"),),
    "Meeting": (("location", "Location"), ("invitation", "File"), ("resultsProtocol", "File")),
    "AgendaItem": (("resolutionFile", "File"),),
    "Paper": (("mainFile", "File"),),
}
EMBED_MANY = {
    "Meeting": (("auxiliaryFile", "File"),),
    "Paper": (("auxiliaryFile", "File"), ("location", "Location")),
}
CHILDREN = {"Meeting": ("agendaItem", "AgendaItem"), "Paper": ("consultation", "Consultation")}
CHILDREN["Person"] = ("membership", "Membership")
BACK_REFERENCE = {"AgendaItem": "meeting", "Consultation": "paper", "Membership": "person"}


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Shape:
    papers: int = 10_000
    per_page: int = 100
    persons: int = 300
    organizations: int = 60
    locations: int = 40

    @property
    def meetings(self) -> int:
        return max(10, self.papers * 3 // 20)

    @property
    def long_meetings(self) -> int:
        return max(1, self.papers // 1250)


class BenchCouncil:
    def __init__(self, server: FixtureServer, prefix: str, shape: Shape = Shape(), seed: int = 11):
        self.base = server.url(prefix)
        self.system_url = self.base + "/system"
        self.body_id = f"{self.base}/body/1"
        self.shape = shape
        self.random = random.Random(seed)
        self.records: dict[str, dict[str, dict]] = {oparl_type: {} for oparl_type in SEGMENT}
        self.children: dict[str, list[str]] = defaultdict(list)
        self.by_id: dict[str, dict] = {}
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.start = self.now - timedelta(days=6 * 365)
        self.end = self.now - timedelta(days=2)  # nothing changed lately: an incremental run gets nothing
        self._build()
        self.ordered = {t: list(records.values()) for t, records in self.records.items()}
        server.add(prefix + "/system", self._system)
        server.add(prefix + "/bodies", self._bodies)
        for segment in LISTS:
            server.add(f"{prefix}/body/1/{segment}", self._list_handler(segment))
        server.add_prefix(prefix, self._object)
        self._server = server

    # -- building ----------------------------------------------------------------------------
    def id(self, oparl_type: str, n: int) -> str:
        return f"{self.base}/{SEGMENT[oparl_type]}/{n}"

    def _when(self, fraction: float) -> datetime:
        return self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0)

    def _add(self, oparl_type: str, created: datetime, parent: str | None = None, **attributes) -> dict:
        records = self.records[oparl_type]
        oparl_id = self.id(oparl_type, len(records) + 1)
        created = min(created, self.end)
        modified = min(created + timedelta(hours=self.random.randint(0, 240)), self.end)
        record = {"id": oparl_id, "type": SCHEMA + oparl_type, **attributes}
        record.update(created=stamp(created), modified=stamp(modified), _modified=modified)
        if parent is not None:
            record["_parent"] = parent
            self.children[parent].append(oparl_id)
        records[oparl_id] = self.by_id[oparl_id] = record
        return record

    def _file(self, name: str, created: datetime) -> str:
        n = len(self.records["File"]) + 1
        return self._add(
            "File",
            created,
            name=name,
            fileName=f"dokument-{n}.pdf",
            mimeType="application/pdf",
            date=created.date().isoformat(),
            size=self.random.randint(20_000, 4_000_000),
            sha1Checksum=f"{n:040x}",
            accessUrl=f"{self.base}/files/{n}/dokument.pdf",
            downloadUrl=f"{self.base}/files/{n}/download",
        )["id"]

    def _build(self) -> None:
        r, shape = self.random, self.shape
        for n in range(3):
            self._add("LegislativeTerm", self._when(0), body=self.body_id, name=f"Wahlperiode {n + 6}")
        locations = [
            self._add(
                "Location",
                self._when(0),
                description=f"Raum {n}, Neues Rathaus",
                streetAddress=f"Martin-Luther-Ring {n}",
                postalCode="04109",
                locality="Musterstadt",
                geojson={
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [12.37 + n / 500, 51.34 + n / 700]},
                    "properties": {},
                },
            )["id"]
            for n in range(1, shape.locations + 1)
        ]
        kinds = ["Fraktion"] * 10 + ["Gremium"] * (shape.organizations - 15) + ["Verwaltung"] * 5
        organizations = []
        for n, kind in enumerate(kinds, start=1):
            attributes = dict(body=self.body_id, name=f"{kind} {n}", shortName=f"{kind[0]}{n}")
            attributes.update(organizationType=kind, classification=kind, startDate="2019-07-01")
            if kind == "Gremium" and n > 11:
                attributes["subOrganizationOf"] = self.id("Organization", 11)
            if n % 4 == 0:
                attributes["_location"] = r.choice(locations)
            organizations.append(self._add("Organization", self._when(0), **attributes)["id"])
        factions, committees = organizations[:10], organizations[10:-5]
        administration = organizations[-5:]
        persons = []
        for n in range(1, shape.persons + 1):
            person = self._add(
                "Person",
                self._when(r.random() * 0.2),
                body=self.body_id,
                name=f"Erika Muster {n}",
                familyName=f"Muster {n}",
                givenName="Erika",
                formOfAddress="Frau",
                email=[f"erika.muster{n}@example.org"],
            )
            persons.append(person["id"])
            for k, organization in enumerate([r.choice(factions), *r.sample(committees, r.randint(0, 4))]):
                self._add(
                    "Membership",
                    self._when(r.random() * 0.3),
                    parent=person["id"],
                    organization=organization,
                    role="Mitglied" if k else "Fraktionsmitglied",
                    votingRight=True,
                    startDate="2019-07-01",
                )
        self._meetings_and_papers(locations, persons, factions, committees, administration)

    def _meetings_and_papers(self, locations, persons, factions, committees, administration) -> None:
        r, shape = self.random, self.shape
        count = shape.meetings
        long_at = {round((k + 0.5) * count / shape.long_meetings) for k in range(shape.long_meetings)}
        meetings = []
        for n in range(1, count + 1):
            start = self._when(n / count)
            council = n in long_at
            organization = committees[0] if council else r.choice(committees)
            attributes = dict(
                name=("Ratsversammlung" if council else f"Sitzung {organization.rsplit('/', 1)[-1]}"),
                meetingState="durchgeführt",
                start=stamp(start),
                end=stamp(start + timedelta(hours=8 if council else 3)),
                organization=[organization],
                participant=r.sample(persons, 70 if council else r.randint(5, 20)),
                _location=r.choice(locations),
                _invitation=self._file(f"Einladung {n}", start - timedelta(days=7)),
                _auxiliaryFile=[
                    self._file(f"Anlage {k} zur Sitzung {n}", start) for k in range(r.randint(0, 2))
                ],
            )
            if r.random() < 0.8:
                attributes["_resultsProtocol"] = self._file(f"Niederschrift {n}", start + timedelta(days=14))
            meeting = self._add("Meeting", start - timedelta(days=10), **attributes)
            meeting["_items"] = [] if council else [None] * r.randint(3, 8)  # items without a paper
            meeting["_council"] = council
            meetings.append(meeting)
        councils = [m for m in meetings if m["_council"]]
        papers = []
        for n in range(1, shape.papers + 1):
            fraction = n / shape.papers
            created = self._when(fraction - 0.01)
            attributes = dict(
                body=self.body_id,
                name=f"Vorlage Nummer {n}: Beschluss über eine Angelegenheit der Stadt",
                reference=f"VII-DS-{n:05d}",
                date=created.date().isoformat(),
                paperType=r.choice(["Beschlussvorlage", "Antrag", "Anfrage", "Informationsvorlage"]),
                _mainFile=self._file(f"Vorlage {n}", created),
            )
            files = r.choices([0, 1, 2, 3, 4], weights=[30, 25, 20, 15, 10])[0]
            attributes["_auxiliaryFile"] = [self._file(f"Anlage {k} zu {n}", created) for k in range(files)]
            if r.random() < 0.15:
                attributes["_location"] = [r.choice(locations)]
            if r.random() < 0.3:
                attributes["originatorPerson"] = r.sample(persons, r.randint(1, 3))
            if r.random() < 0.5:
                attributes["originatorOrganization"] = [r.choice(factions)]
            if r.random() < 0.4:
                attributes["underDirectionOf"] = [r.choice(administration)]
            if papers and r.random() < 0.1:
                attributes["relatedPaper"] = r.sample(papers[-200:], min(len(papers[-200:]), r.randint(1, 2)))
            if papers and r.random() < 0.05:
                attributes["superordinatedPaper"] = [papers[-1]]
                self.by_id[papers[-1]].setdefault("subordinatedPaper", []).append(self.id("Paper", n))
            paper = self._add("Paper", created, **attributes)
            papers.append(paper["id"])
            many = r.random() < 0.02
            consultations = r.randint(8, 25) if many else r.choices([1, 2, 3], weights=[45, 35, 20])[0]
            first = int(fraction * len(meetings))
            window = meetings[first : first + (200 if many else 60)] or meetings[-60:]
            chosen = r.sample(window, min(len(window), consultations))
            if not many and r.random() < 0.1:
                chosen[-1] = min(councils, key=lambda m: abs(m["_modified"] - created))
            for meeting in {m["id"]: m for m in chosen}.values():
                meeting["_items"].append((paper["id"], meeting["organization"][0]))
        for meeting in meetings:
            self._agenda(meeting)
        self._parents_modified()

    def _agenda(self, meeting: dict) -> None:
        r = self.random
        items = meeting.pop("_items")
        if meeting.pop("_council"):
            items += [None] * max(0, r.randint(250, 450) - len(items))
        r.shuffle(items)
        start = datetime.fromisoformat(meeting["start"])
        for order, topic in enumerate(items, start=1):
            attributes = dict(number=str(order), order=order, public=r.random() > 0.05, result="beschlossen")
            attributes["name"] = (
                "Mitteilungen und Anfragen" if topic is None else f"Vorlage {topic[0].rsplit('/', 1)[-1]}"
            )
            if r.random() < 0.15:
                attributes["_resolutionFile"] = self._file(f"Beschluss zu TOP {order}", start)
            item = self._add("AgendaItem", start - timedelta(days=7), parent=meeting["id"], **attributes)
            if topic is not None:
                paper, organization = topic
                consultation = self._add(
                    "Consultation",
                    start - timedelta(days=7),
                    parent=paper,
                    meeting=meeting["id"],
                    agendaItem=item["id"],
                    organization=[organization],
                    role="Beschlussfassung" if r.random() < 0.4 else "Vorberatung",
                    authoritative=r.random() < 0.4,
                )
                item["consultation"] = consultation["id"]

    def _parents_modified(self) -> None:
        """A parent's `modified` is at least its embedded objects' (spec 2.8: they change it)."""
        for oparl_type in ("AgendaItem", "Meeting", "Paper", "Person", "Organization"):
            for record in self.records[oparl_type].values():
                embedded = [
                    record["_" + key] for key, _t in EMBED_ONE.get(oparl_type, ()) if "_" + key in record
                ]
                for key, _t in EMBED_MANY.get(oparl_type, ()):
                    embedded += record.get("_" + key, [])
                embedded += self.children.get(record["id"], [])
                latest = max([record["_modified"], *(self.by_id[i]["_modified"] for i in embedded)])
                record["_modified"], record["modified"] = latest, stamp(latest)

    # -- what the server holds, to check an import by ----------------------------------------
    def expected(self) -> dict[str, int]:
        """Rows per OParl type and per association table an import must end up with."""
        counts = Counter({oparl_type: len(records) for oparl_type, records in self.records.items()})
        counts["Body"] = 1
        papers, meetings = self.records["Paper"].values(), self.records["Meeting"].values()
        counts["council_paper_file"] = sum(len(p["_auxiliaryFile"]) for p in papers)
        counts["council_paper_location"] = sum(len(p.get("_location", ())) for p in papers)
        counts["council_paper_originator_person"] = sum(len(p.get("originatorPerson", ())) for p in papers)
        counts["council_paper_subordinated"] = sum(len(p.get("superordinatedPaper", ())) for p in papers)
        counts["council_meeting_participant"] = sum(len(m["participant"]) for m in meetings)
        counts["council_meeting_file"] = sum(len(m["_auxiliaryFile"]) for m in meetings)
        counts["council_consultation_organization"] = len(self.records["Consultation"])
        return dict(counts)

    def total_objects(self) -> int:
        return 1 + sum(len(records) for records in self.records.values())

    # -- rendering -----------------------------------------------------------------------------
    def render(self, record: dict, *, embedded: bool = False) -> dict:
        doc = {key: value for key, value in record.items() if key[0] != "_"}
        oparl_type = record["type"].rsplit("/", 1)[-1]
        for key, _target in EMBED_ONE.get(oparl_type, ()):
            if "_" + key in record:
                doc[key] = self.render(self.by_id[record["_" + key]], embedded=True)
        for key, _target in EMBED_MANY.get(oparl_type, ()):
            if "_" + key in record:
                doc[key] = [self.render(self.by_id[i], embedded=True) for i in record["_" + key]]
        if oparl_type in CHILDREN:
            key, _child_type = CHILDREN[oparl_type]
            doc[key] = [self.render(self.by_id[i], embedded=True) for i in self.children[record["id"]]]
        if not embedded and "_parent" in record:
            doc[BACK_REFERENCE[oparl_type]] = record["_parent"]
        return doc

    def body_document(self) -> dict:
        doc = {
            "id": self.body_id,
            "type": SCHEMA + "Body",
            "system": self.system_url,
            "name": "Stadt Musterstadt",
            "shortName": "Musterstadt",
            "ags": "14713000",
            "created": stamp(self.start),
            "modified": stamp(self.start),
            "legislativeTerm": [self.render(t, embedded=True) for t in self.ordered["LegislativeTerm"]],
        }
        for segment, (_type, attribute) in LISTS.items():
            doc[attribute] = f"{self.body_id}/{segment}"
        return doc

    # -- HTTP ----------------------------------------------------------------------------------
    def _system(self, request: Request) -> Reply:
        doc = {"id": self.system_url, "type": SCHEMA + "System", "oparlVersion": SCHEMA}
        doc.update(body=self.base + "/bodies", name="Musterstadt Ratsinformation", created=stamp(self.start))
        return Reply(200, doc)

    def _bodies(self, request: Request) -> Reply:
        return Reply(200, {"data": [self.body_document()], "pagination": {"totalElements": 1}, "links": {}})

    def _list_handler(self, segment: str):
        oparl_type, _attribute = LISTS[segment]
        per_page = self.shape.per_page

        def handler(request: Request) -> Reply:
            records = self.ordered[oparl_type]
            if request.since is not None:
                records = [r for r in records if r["_modified"] >= request.since]
            pages = max(1, -(-len(records) // per_page))
            number = request.page
            chunk = records[(number - 1) * per_page : number * per_page]
            kept = f"&modified_since={request.query['modified_since']}" if request.since else ""
            kept = kept.replace("+", "%2B")

            def link(n: int) -> str:
                return f"{self.body_id}/{segment}?page={n}{kept}"

            links = {"first": link(1), "self": link(number), "last": link(pages)}
            if number < pages:
                links["next"] = link(number + 1)
            pagination = dict(totalElements=len(records), elementsPerPage=per_page, currentPage=number)
            pagination["totalPages"] = pages
            return Reply(
                200, {"data": [self.render(r) for r in chunk], "pagination": pagination, "links": links}
            )

        return handler

    def _object(self, request: Request) -> Reply:
        record = self.by_id.get(self._server.base + request.path)
        return NOT_FOUND if record is None else Reply(200, self.render(record))
