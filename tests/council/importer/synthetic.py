"""An invented OParl 1.1 body ("Musterstadt"), served as a standard server does it: every list
paginated (`page`, `links.next` keeping the filters), `modified_since` filtering with tombstones
only when it is given, embedded objects rendered from their own records (never deleted ones),
and a change to an embedded object moving its parent's `modified` too (spec 2.8).

All names and data are made up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.council.oparl_fixture_server import NOT_FOUND, FixtureServer, Reply, Request

SCHEMA = "https://schema.oparl.org/1.1/"
# list segment -> (OParl type, the Body's attribute)
LISTS = {
    "organization": ("Organization", "organization"),
    "person": ("Person", "person"),
    "meeting": ("Meeting", "meeting"),
    "paper": ("Paper", "paper"),
    "agendaItem": ("AgendaItem", "agendaItem"),
    "consultation": ("Consultation", "consultation"),
    "file": ("File", "file"),
    "location": ("Location", "locationList"),
    "legislativeTerm": ("LegislativeTerm", "legislativeTermList"),
    "membership": ("Membership", "membership"),
}
SEGMENT = {oparl_type: segment for segment, (oparl_type, _attr) in LISTS.items()}
PARENT_OF = {"AgendaItem": "_meeting", "Consultation": "_paper", "Membership": "_person"}


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


class SyntheticCouncil:
    def __init__(
        self,
        server: FixtureServer,
        prefix: str,
        *,
        papers: int = 250,
        per_page: int = 100,
        meetings: int = 30,
        items_per_meeting: int = 5,
        persons: int = 40,
        organizations: int = 12,
        locations: int = 10,
        malformed: bool = False,
        lists: tuple[str, ...] = tuple(LISTS),  # the Body's lists; 1.0 has only the first four
    ):
        self.prefix = prefix
        self.lists = lists
        self.base = server.url(prefix)
        self.per_page = per_page
        self.records: dict[str, dict[str, dict]] = {t: {} for t in SEGMENT}
        self.epoch = datetime.now(UTC).replace(microsecond=0) - timedelta(days=60)
        self._tick = 0
        self._build(papers, meetings, items_per_meeting, persons, organizations, locations, malformed)
        server.add(prefix + "/system", self._system)
        server.add(prefix + "/bodies", self._bodies)
        for segment in LISTS:
            server.add(f"{prefix}/body/1/{segment}", self._list_handler(segment))
        server.add_prefix(prefix, self._object)
        self._server = server

    # -- ids and time ------------------------------------------------------------------------
    def id(self, oparl_type: str, n: int) -> str:
        return f"{self.base}/{SEGMENT[oparl_type]}/{n}"

    def _time(self) -> str:
        self._tick += 1
        return stamp(self.epoch + timedelta(minutes=self._tick))

    def _add(self, oparl_type: str, n: int, **attributes) -> dict:
        when = self._time()
        record = {"id": self.id(oparl_type, n), "type": SCHEMA + oparl_type, **attributes}
        record.update(created=when, modified=when)
        self.records[oparl_type][record["id"]] = record
        return record

    # -- the invented council -----------------------------------------------------------------
    def _build(self, papers, meetings, items_per_meeting, persons, organizations, locations, malformed):
        body = self.id_body = f"{self.base}/body/1"
        for n in range(1, 3):
            self._add(
                "LegislativeTerm", n, body=body, name=f"Wahlperiode {n}", startDate=f"20{14 + 5 * n}-07-01"
            )
        for n in range(1, locations + 1):
            self._add(
                "Location",
                n,
                description=f"Sitzungsraum {n}",
                streetAddress=f"Musterplatz {n}",
                postalCode="04109",
                locality="Musterstadt",
                geojson={
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [12.37 + n / 1000, 51.34 + n / 1000]},
                    "properties": {},
                },
            )
        kinds = ["Gremium", "Fraktion", "Verwaltung"]
        for n in range(1, organizations + 1):
            self._add(
                "Organization",
                n,
                body=body,
                name=f"Ausschuss {n}",
                shortName=f"A{n}",
                organizationType=kinds[n % 3],
                classification="Ausschuss",
            )
        for n in range(1, persons + 1):
            self._add(
                "Person", n, body=body, name=f"Erika Muster {n}", familyName=f"Muster {n}", givenName="Erika"
            )
            for k in (1, 2):
                self._add(
                    "Membership",
                    2 * n + k - 2,
                    _person=self.id("Person", n),
                    organization=self.id("Organization", (n + k) % organizations + 1),
                    role="Mitglied",
                    votingRight=True,
                    startDate="2024-07-01",
                )
        file_n = 0
        for n in range(1, meetings + 1):
            file_n += 1
            self._file(file_n, f"Einladung {n}")
            start = self.epoch + timedelta(days=n)
            self._add(
                "Meeting",
                n,
                name=f"Sitzung {n}",
                meetingState="durchgeführt",
                start=stamp(start),
                end=stamp(start + timedelta(hours=3)),
                organization=[self.id("Organization", n % organizations + 1)],
                participant=[self.id("Person", n % persons + 1)],
                _location=self.id("Location", n % locations + 1),
                _invitation=self.id("File", file_n),
            )
            for k in range(1, items_per_meeting + 1):
                self._add(
                    "AgendaItem",
                    (n - 1) * items_per_meeting + k,
                    _meeting=self.id("Meeting", n),
                    number=str(k),
                    order=k,
                    name=f"Tagesordnungspunkt {k} der Sitzung {n}",
                    public=True,
                )
        items = meetings * items_per_meeting
        for n in range(1, papers + 1):
            file_n += 1
            self._file(file_n, f"Vorlage {n}")
            attributes = dict(
                body=body,
                name=f"Vorlage Nummer {n}",
                reference=f"VIII-DS-{n:05d}",
                date=(self.epoch + timedelta(days=n % 50)).date().isoformat(),
                paperType="Beschlussvorlage",
                originatorOrganization=[self.id("Organization", n % organizations + 1)],
                _mainFile=self.id("File", file_n),
            )
            if n % 5 == 0:
                attributes["_location"] = [self.id("Location", n % locations + 1)]
            if n % 10 == 0:
                attributes["subordinatedPaper"] = [self.id("Paper", n + 1)] if n < papers else []
            if n % 10 == 1 and n > 1:
                attributes["superordinatedPaper"] = [self.id("Paper", n - 1)]
            self._add("Paper", n, **attributes)
            self._add(
                "Consultation",
                n,
                _paper=self.id("Paper", n),
                meeting=self.id("Meeting", n % meetings + 1),
                agendaItem=self.id("AgendaItem", n % items + 1),
                organization=[self.id("Organization", n % organizations + 1)],
                role="Beschlussfassung",
                authoritative=True,
            )
        if malformed:
            # a paper whose embedded consultation has no id: it must leave nothing behind,
            # not even the main file it embeds (a file no list names)
            self.malformed_file = self._file(file_n + 1, "Anlage eines kaputten Objekts", listed=False)
            self.malformed_paper = self._add(
                "Paper",
                papers + 1,
                body=body,
                name="Kaputte Vorlage",
                reference="VIII-DS-99999",
                _mainFile=self.malformed_file["id"],
                consultation=[{"type": SCHEMA + "Consultation", "role": "Beschlussfassung"}],
            )

    def _file(self, n: int, name: str, *, listed: bool = True) -> dict:
        record = self._add(
            "File",
            n,
            name=name,
            fileName=f"datei-{n}.pdf",
            mimeType="application/pdf",
            size=1000 + n,
            accessUrl=f"{self.base}/download/{n}.pdf",
        )
        if not listed:
            record["_unlisted"] = True
        return record

    # -- changes between runs ----------------------------------------------------------------------
    def touch(self, oparl_type: str, n: int, **changes) -> dict:
        """Change an object now; objects it is embedded in change with it (spec 2.8)."""
        record = self.records[oparl_type][self.id(oparl_type, n)]
        record.update(changes)
        self._moved(record)
        return record

    def delete(self, oparl_type: str, n: int) -> None:
        oparl_id = self.id(oparl_type, n)
        old = self.records[oparl_type][oparl_id]
        tombstone = {"id": oparl_id, "type": old["type"], "created": old["created"], "deleted": True}
        for key in PARENT_OF.values():
            if key in old:
                tombstone[key] = old[key]
        self.records[oparl_type][oparl_id] = tombstone
        self._moved(tombstone)

    def add(self, oparl_type: str, n: int, **attributes) -> dict:
        record = self._add(oparl_type, n, **attributes)
        self._moved(record)
        return record

    def _moved(self, record: dict) -> None:
        record["modified"] = stamp(datetime.now(UTC).replace(microsecond=0))
        for parent_type, key in (("Meeting", "_meeting"), ("Paper", "_paper"), ("Person", "_person")):
            if key in record:
                self._moved(self.records[parent_type][record[key]])

    # -- rendering -------------------------------------------------------------------------------
    def render(self, record: dict, *, embedded: bool = False) -> dict:
        if record.get("deleted"):
            return {key: value for key, value in record.items() if not key.startswith("_")}
        doc = {key: value for key, value in record.items() if not key.startswith("_")}
        oparl_type = record["type"].rsplit("/", 1)[-1]
        files, locations = self.records["File"], self.records["Location"]
        if oparl_type == "Meeting":
            doc["location"] = self.render(locations[record["_location"]], embedded=True)
            doc["invitation"] = self.render(files[record["_invitation"]], embedded=True)
            doc["agendaItem"] = self._children("AgendaItem", "_meeting", record["id"])
        elif oparl_type == "Paper":
            if "_mainFile" in record:
                doc["mainFile"] = self.render(files[record["_mainFile"]], embedded=True)
            if "_location" in record:
                doc["location"] = [self.render(locations[i], embedded=True) for i in record["_location"]]
            if "consultation" not in doc:
                doc["consultation"] = self._children("Consultation", "_paper", record["id"])
        elif oparl_type == "Person":
            doc["membership"] = self._children("Membership", "_person", record["id"])
        elif oparl_type == "Body":
            doc["legislativeTerm"] = [
                self.render(t, embedded=True) for t in self.records["LegislativeTerm"].values()
            ]
        if not embedded:
            for key, name in (("_meeting", "meeting"), ("_paper", "paper"), ("_person", "person")):
                if key in record:
                    doc[name] = record[key]
        return doc

    def _children(self, oparl_type: str, key: str, parent_id: str) -> list[dict]:
        return [
            self.render(child, embedded=True)
            for child in self.records[oparl_type].values()
            if child.get(key) == parent_id and not child.get("deleted")
        ]

    def body_document(self) -> dict:
        doc = {
            "id": self.id_body,
            "type": SCHEMA + "Body",
            "system": self.base + "/system",
            "name": "Stadt Musterstadt",
            "shortName": "Musterstadt",
            "ags": "14999000",
            "created": stamp(self.epoch),
            "modified": stamp(self.epoch),
            "location": self.render(self.records["Location"][self.id("Location", 1)], embedded=True),
            "legislativeTerm": [
                self.render(t, embedded=True) for t in self.records["LegislativeTerm"].values()
            ],
        }
        for segment, (_type, attribute) in LISTS.items():
            if segment in self.lists:
                doc[attribute] = f"{self.id_body}/{segment}"
        return doc

    # -- HTTP ----------------------------------------------------------------------------------
    def _system(self, request: Request) -> Reply:
        return Reply(
            200,
            {
                "id": self.base + "/system",
                "type": SCHEMA + "System",
                "oparlVersion": SCHEMA,
                "body": self.base + "/bodies",
                "name": "Musterstadt Ratsinformation",
                "created": stamp(self.epoch),
                "modified": stamp(self.epoch),
            },
        )

    def _bodies(self, request: Request) -> Reply:
        return Reply(200, {"data": [self.body_document()], "pagination": {"totalElements": 1}, "links": {}})

    def _list_handler(self, segment: str):
        oparl_type, _attribute = LISTS[segment]

        def handler(request: Request) -> Reply:
            records = [r for r in self.records[oparl_type].values() if not r.get("_unlisted")]
            if request.since is None:
                records = [r for r in records if not r.get("deleted")]
            else:
                records = [r for r in records if datetime.fromisoformat(r["modified"]) >= request.since]
            records.sort(key=lambda r: int(r["id"].rsplit("/", 1)[-1]))
            pages = max(1, -(-len(records) // self.per_page))
            number = request.page
            chunk = records[(number - 1) * self.per_page : number * self.per_page]
            kept = f"&modified_since={request.query['modified_since']}" if request.since else ""
            kept = kept.replace("+", "%2B")

            def link(n: int) -> str:
                return f"{self.id_body}/{segment}?page={n}{kept}"

            links = {"first": link(1), "self": link(number), "last": link(pages)}
            if number < pages:
                links["next"] = link(number + 1)
            return Reply(
                200,
                {
                    "data": [self.render(r) for r in chunk],
                    "pagination": {
                        "totalElements": len(records),
                        "elementsPerPage": self.per_page,
                        "currentPage": number,
                        "totalPages": pages,
                    },
                    "links": links,
                },
            )

        return handler

    def _object(self, request: Request) -> Reply:
        oparl_id = self._server.base + request.path
        for records in self.records.values():
            if oparl_id in records:
                return Reply(200, self.render(records[oparl_id]))
        return NOT_FOUND
