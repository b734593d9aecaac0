"""The demo city council from seeds/council/: a Leipzig-like body with its committees,
parliamentary groups and councillors (council.yaml), papers (papers.yaml) and meetings
(meetings.yaml): past ones with results and protocols, and the next Ratsversammlung, which
staff can run live from the console. Idempotent: when the body exists, nothing is added.

Objects made here are local ones, as staff would make them: no `oparl_id` (that is the id
on a server we import from), `web` their public page, `created`/`modified` the moment of
seeding. Meeting times count from the day of seeding, so the demo never runs out of upcoming
meetings. Who was absent at a past meeting, and how long each item took, come from a fixed
random seed. Every document is a small PDF written here from its text, in the upload storage.
"""

from __future__ import annotations

import hashlib
import random
import re
import textwrap
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import yaml
from babel.dates import format_date
from sqlalchemy import select

from participation.core import uploads
from participation.core.models import utcnow
from participation.core.urls import external_url
from participation.council import display
from participation.council.models import (
    AgendaItem,
    Body,
    CouncilSystem,
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

MEETING_DAYS = range(4)  # Monday to Thursday
FIRST_CONSULTATION_LEAD_DAYS = 21  # a paper is dated this long before its first meeting
ITEM_MINUTES = {"opening": (2, 6), "heading": (1, 2), "paper": (6, 40), "other": (3, 15)}
# council.yaml's section -> OParl organizationType, classification, the posts one holds there
ORGANIZATION_KINDS = {
    "council": ("Gremium", "Stadtrat", ["Mitglied"]),
    "committees": ("Gremium", "Ausschuss", ["Vorsitzende/r", "Mitglied"]),
    "groups": ("Fraktion", "Fraktion", ["Fraktionsvorsitzende/r", "Mitglied"]),
    "offices": ("Verwaltungsbereich", "Dezernat", []),
}
CHAIR_ROLES = {"committees": "Vorsitzende/r", "groups": "Fraktionsvorsitzende/r"}
# A local object's `web` is its public page, as the staff pages set it (staff_services)
PUBLIC_PAGES = {
    Meeting: ("council.meeting", "meeting_id"),
    Paper: ("council.paper", "paper_id"),
    Person: ("council.person", "person_id"),
    Organization: ("council.organization", "organization_id"),
}


def seed_council(seeds_dir: Path) -> dict[str, int]:
    folder = seeds_dir / "council"
    council, papers, meetings = (_yaml(folder / f"{name}.yaml") for name in ("council", "papers", "meetings"))
    if db.session.scalar(select(CouncilSystem.id).limit(1)) is None:
        db.session.add(CouncilSystem(**council["system"]))
    counts = dict.fromkeys(("council_persons", "council_papers", "council_meetings", "council_files"), 0)
    if db.session.scalar(select(Body.id).where(Body.name == council["body"]["name"]).limit(1)) is not None:
        return counts
    seed = _CouncilSeed(council, meetings)
    seed.papers(papers["papers"])
    seed.meetings()
    seed.link_pages()
    db.session.flush()
    counts.update(
        council_persons=len(seed.persons),
        council_papers=len(seed.paper_by_reference),
        council_meetings=len(seed.plan),
        council_files=seed.files,
    )
    return counts


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class _CouncilSeed:
    """Adds the body and what hangs on it, keeping the YAML's keys -> rows on the way."""

    def __init__(self, council: dict, meetings: dict):
        self.rng = random.Random("council-demo")
        self.words = meetings["documents"]  # the documents' German phrases
        self.openings = meetings["openings"]
        self.plan = meetings["meetings"]
        self.starts = [_meeting_start(entry, display.today()) for entry in self.plan]
        self.files = 0
        self.body = Body(**{key: value for key, value in council["body"].items() if key != "location"})
        db.session.add(self.body)
        db.session.flush()
        self.places = {key: self._location(spec) for key, spec in council["locations"].items()}
        db.session.flush()
        self.body.location_id = self.places[council["body"]["location"]].id
        term = council["term"]
        self.term_start = term["start"]
        db.session.add(
            LegislativeTerm(
                body_id=self.body.id, name=term["name"], start_date=term["start"], end_date=term["end"]
            )
        )
        self.council = self._organization(council["council"], "council")
        self.organizations = {"council": self.council}
        self.organizations |= {
            key: self._organization(spec, "committees", parent=self.council, place="sitzungssaal")
            for key, spec in council["committees"].items()
        }
        self.groups = {key: self._organization(spec, "groups") for key, spec in council["groups"].items()}
        self.offices = {key: self._organization(spec, "offices") for key, spec in council["offices"].items()}
        db.session.flush()
        self.persons: dict[str, Person] = {}
        self.seats: list[tuple[Person, Membership]] = []  # who sat where, and when
        for spec in council["persons"]:
            self._person(spec, council)
        db.session.flush()

    def link_pages(self) -> None:
        made = [*self.organizations.values(), *self.groups.values(), *self.offices.values()]
        made += [*self.persons.values(), *self.paper_by_reference.values(), *self.meetings_made]
        for obj in made:
            endpoint, argument = PUBLIC_PAGES[type(obj)]
            obj.web = external_url(endpoint, **{argument: obj.id})

    def _location(self, spec: dict) -> Location:
        kind, coordinates = ("LineString", spec["line"]) if "line" in spec else ("Point", spec["at"])
        feature = {
            "type": "Feature",
            "geometry": {"type": kind, "coordinates": coordinates},
            "properties": {},
        }
        fields = {key: value for key, value in spec.items() if key not in ("at", "line")}
        location = Location(body_id=self.body.id, geojson=feature, **fields)
        db.session.add(location)
        return location

    def _organization(self, spec: dict, section: str, parent=None, place: str | None = None) -> Organization:
        kind, classification, posts = ORGANIZATION_KINDS[section]
        organization = Organization(
            body_id=self.body.id,
            name=spec["name"],
            short_name=spec["short_name"],
            organization_type=kind,
            classification=classification,
            post=posts,
            start_date=self.term_start,
            sub_organization_of=parent,
            location=self.places.get(place or spec.get("location")),
        )
        db.session.add(organization)
        return organization

    def _person(self, spec: dict, council: dict) -> None:
        given, family = spec["name"].rsplit(" ", 1)
        title = [spec["title"]] if spec.get("title") else []
        female = spec["sex"] == "f"
        person = Person(
            body_id=self.body.id,
            name=" ".join([*title, spec["name"]]),
            given_name=given,
            family_name=family,
            title=title,
            form_of_address="Frau" if female else "Herr",
            gender="female" if female else "male",
            status=["Stadträtin" if female else "Stadtrat"],
            life=spec.get("life"),
        )
        db.session.add(person)
        db.session.flush()
        self.persons[person.name] = person
        group = self.groups[spec["group"]]
        seats = [
            (self.council, "Mitglied", None),
            (group, self._role(council, "groups", spec["group"], person), None),
        ]
        seats += [
            (self.organizations[key], self._role(council, "committees", key, person), group)
            for key in spec["committees"]
        ]
        for organization, role, on_behalf_of in seats:
            membership = Membership(
                person_id=person.id,
                organization_id=organization.id,
                role=role,
                voting_right=True,
                start_date=spec.get("since", self.term_start),
                end_date=spec.get("until"),
                on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
            )
            db.session.add(membership)
            self.seats.append((person, membership))

    @staticmethod
    def _role(council: dict, section: str, key: str, person: Person) -> str:
        return CHAIR_ROLES[section] if council[section][key].get("chair") == person.name else "Mitglied"

    # --- papers ------------------------------------------------------------------------------

    def papers(self, entries: list[dict]) -> None:
        steps = self._consultation_plan()
        self.paper_by_reference: dict[str, Paper] = {}
        self.proposals: dict[str, str] = {}  # what the council resolves when it adopts the paper
        for entry in entries:
            reference, by = entry["reference"], entry.get("by", {})
            passage = sorted(steps.get(reference, []), key=lambda step: step[0])
            day = display.local_date(passage[0][0]) if passage else display.today()
            day -= timedelta(days=entry.get("lead_days", FIRST_CONSULTATION_LEAD_DAYS))
            originators = [self.groups[by["group"]]] if by.get("group") else []
            offices = [self.offices[entry["office"]]] if entry.get("office") else []
            text = [
                f"{self.words['originators']}: {', '.join(o.name for o in originators or offices)}",
                f"{self.words['consultations']}: "
                + "; ".join(f"{o.name} ({display.local(start):%d.%m.%Y})" for start, o in passage),
                *(f"{heading}:\n{section}" for heading, section in entry["sections"].items()),
            ]
            slug = _slug(reference)
            attachments = [
                self._file(
                    spec["name"], f"{slug}-anlage-{number}", [spec["text"]], day, spec.get("public", True)
                )
                for number, spec in enumerate(entry.get("attachments", []), 1)
            ]
            paper = Paper(
                body_id=self.body.id,
                name=entry["name"],
                reference=reference,
                date=day,
                paper_type=entry["type"],
                main_file=self._file(
                    f"{entry['type']} {reference}", slug, text, day, title=f"{reference}: {entry['name']}"
                ),
                auxiliary_files=attachments,
                locations=[self.places[key] for key in entry.get("locations", [])],
                originator_persons=[self.persons[name] for name in by.get("persons", [])],
                originator_organizations=originators,
                under_direction_of=offices,
            )
            db.session.add(paper)
            self.paper_by_reference[reference] = paper
            if "Beschlussvorschlag" in entry["sections"]:
                self.proposals[reference] = entry["sections"]["Beschlussvorschlag"]
        for entry in entries:  # now that every paper exists: amendments and related papers
            paper = self.paper_by_reference[entry["reference"]]
            if entry.get("amends"):
                self.paper_by_reference[entry["amends"]].subordinated_papers.append(paper)
            for reference in entry.get("related", []):
                paper.related_papers.append(self.paper_by_reference[reference])
                self.paper_by_reference[reference].related_papers.append(paper)
        db.session.flush()

    def _consultation_plan(self) -> dict[str, list[tuple[datetime, Organization]]]:
        """reference -> (when, which organisation) of each meeting that discusses the paper."""
        steps: dict[str, list] = {}
        for entry, start in zip(self.plan, self.starts, strict=True):
            for item in _flat(entry.get("agenda", [])):
                for reference in _references(item):
                    steps.setdefault(reference, []).append((start, self.organizations[entry["organization"]]))
        return steps

    # --- meetings ----------------------------------------------------------------------------

    def meetings(self) -> None:
        now = utcnow()
        self.meetings_made: list[Meeting] = []
        for index, (entry, start) in enumerate(zip(self.plan, self.starts, strict=True), 1):
            organization = self.organizations[entry["organization"]]
            past = start < now
            meeting = Meeting(
                body_id=self.body.id,
                name=organization.name,
                start=start,
                cancelled=entry.get("cancelled", False),
                meeting_state=entry.get("state", "durchgeführt" if past else "eingeladen"),
                location=organization.location,
                organizations=[organization],
            )
            db.session.add(meeting)
            db.session.flush()
            self.meetings_made.append(meeting)
            openings = self.openings["council" if organization is self.council else "committee"]
            agenda = [{"name": name, "kind": "opening"} for name in openings] + entry.get("agenda", [])
            items = self._agenda(meeting, index, organization, agenda, timed=past)
            if past:
                meeting.end = items[-1].end
                members = self._members(organization, start)
                present = self.rng.sample(members, len(members) - self.rng.randint(0, 3))
                meeting.participants = sorted(present, key=lambda person: person.id)
                meeting.results_protocol = self._document(meeting, index, items, "protocol", len(members))
            else:
                meeting.end = start + timedelta(hours=entry.get("hours", 3))
                if not meeting.cancelled:
                    meeting.invitation = self._document(meeting, index, items, "invitation")

    def _agenda(
        self, meeting: Meeting, index: int, organization, entries: list, timed: bool
    ) -> list[AgendaItem]:
        """Numbers the items as written (1, 2, 2.1, …); past items get the times they took."""
        items, clock = [], meeting.start
        for number, entry in enumerate(entries, 1):
            numbered = [(str(number), entry)] + [
                (f"{number}.{sub}", child) for sub, child in enumerate(_children(entry), 1)
            ]
            for label, spec in numbered:
                item = self._item(meeting, index, organization, label, spec, len(items) + 1)
                if timed:
                    item.start = clock
                    clock = item.end = clock + timedelta(minutes=self.rng.randint(*ITEM_MINUTES[_kind(spec)]))
                items.append(item)
        return items

    def _item(self, meeting: Meeting, index: int, organization, number: str, entry, order: int) -> AgendaItem:
        spec = {"name": entry} if isinstance(entry, str) else entry
        papers = [self.paper_by_reference[reference] for reference in _references(spec)]
        in_council = organization is self.council
        resolution = spec.get("resolution")
        if resolution is None and spec.get("result") == "angenommen" and in_council and papers:
            resolution = self.proposals.get(papers[0].reference)
        day = display.local_date(meeting.start)
        item = AgendaItem(
            meeting_id=meeting.id,
            number=number,
            order=order,
            name=spec.get("name") or papers[0].name,
            public=spec.get("public", True),
            result=spec.get("result"),
            resolution_text=resolution,
            auxiliary_files=[
                self._file(
                    file["name"],
                    f"sitzung-{index:02d}-top-{_slug(number)}-{count}",
                    [file["text"]],
                    day,
                    file.get("public", True),
                )
                for count, file in enumerate(spec.get("files", []), 1)
            ],
        )
        db.session.add(item)
        db.session.flush()
        for paper in papers:
            role, authoritative = _consultation_role(paper.paper_type, in_council)
            db.session.add(
                PaperConsultation(
                    paper_id=paper.id,
                    agenda_item_id=item.id,
                    meeting_id=meeting.id,
                    role=role,
                    authoritative=authoritative,
                    organizations=[organization],
                )
            )
        return item

    def _members(self, organization: Organization, start: datetime) -> list[Person]:
        day = display.local_date(start)
        return [
            person
            for person, seat in self.seats
            if seat.organization_id == organization.id
            and seat.start_date <= day
            and (seat.end_date is None or seat.end_date >= day)
        ]

    def _document(self, meeting: Meeting, index: int, items: list[AgendaItem], kind: str, members: int = 0):
        """The invitation or the (public) protocol: when and where, and the public agenda with
        its results; of the non-public part only that there is one."""
        start, end = display.local(meeting.start), display.local(meeting.end)
        intro = self.words[f"{kind}_intro"].format(
            day=format_date(start.date(), "full", locale="de"),
            time=f"{start:%H:%M}",
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            place=meeting.location.description,
            present=len(meeting.participants),
            members=members,
        )
        lines = [
            f"{item.number}  {item.name}" + (f" – {item.result}" if item.result else "")
            for item in items
            if item.public
        ]
        if any(not item.public for item in items):
            lines.append(self.words["non_public"])
        day = start.date() - timedelta(days=10) if kind == "invitation" else start.date() + timedelta(days=14)
        name = self.words[kind]
        return self._file(
            name,
            f"sitzung-{index:02d}-{_slug(name)}",
            [intro, *lines],
            min(day, display.today()),
            title=f"{name}: {meeting.name}",
        )

    def _file(
        self,
        name: str,
        key: str,
        paragraphs: list[str],
        day: date,
        public: bool = True,
        title: str | None = None,
    ) -> File:
        """A PDF of the paragraphs under the title, stored under a fixed key (reseeding overwrites)."""
        data = _pdf(title or name, [self.words["note"], *paragraphs])
        storage_key = f"seed/council/{key}.pdf"
        uploads.storage().save(storage_key, data)
        self.files += 1
        return File(
            body_id=self.body.id,
            name=name,
            file_name=f"{key}.pdf",
            mime_type="application/pdf",
            date=day,
            size=len(data),
            sha1_checksum=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            sha512_checksum=hashlib.sha512(data).hexdigest(),
            text="\n\n".join(paragraphs),
            storage_key=storage_key,
            public=public,
        )


def _meeting_start(entry: dict, today: date) -> datetime:
    """`days_ago` back or `in_days` ahead, moved on to a Monday to Thursday, at `at` in Leipzig."""
    step = 1 if "in_days" in entry else -1
    day = today + timedelta(days=entry["in_days"] if step == 1 else -entry["days_ago"])
    while day.weekday() not in MEETING_DAYS:
        day += timedelta(days=step)
    hour, minute = (int(part) for part in entry["at"].split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=display.city_zone()).astimezone(UTC)


def _consultation_role(paper_type: str | None, in_council: bool) -> tuple[str, bool]:
    if paper_type == "Anfrage":
        return "Beantwortung", False
    if paper_type == "Informationsvorlage":
        return "Kenntnisnahme", False
    return ("Beschlussfassung", True) if in_council else ("Vorberatung", False)


def _children(entry) -> list:
    return entry.get("items", []) if isinstance(entry, dict) else []


def _flat(entries: list) -> list:
    return [part for entry in entries for part in (entry, *_children(entry))]


def _references(entry) -> list[str]:
    if not isinstance(entry, dict):
        return []
    return entry.get("papers") or ([entry["paper"]] if entry.get("paper") else [])


def _kind(entry) -> str:
    if isinstance(entry, dict):
        if entry.get("kind") == "opening":
            return "opening"
        if _references(entry):
            return "paper"
        if entry.get("items"):
            return "heading"
    return "other"


def _slug(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --- a minimal PDF: text in Helvetica on A4 pages -----------------------------------------------

LINE_WIDTH, LINES_PER_PAGE = 88, 52  # characters of 10 pt Helvetica between 2 cm margins; lines


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    """A valid PDF 1.4 of the title (bold) and paragraphs; WinAnsi encoding covers German."""
    rows = [("F2", line) for line in textwrap.wrap(title, LINE_WIDTH)] + [("F1", "")]
    for paragraph in paragraphs:
        rows += [("F1", part) for line in paragraph.split("\n") for part in textwrap.wrap(line, LINE_WIDTH)]
        rows.append(("F1", ""))
    pages = [rows[at : at + LINES_PER_PAGE] for at in range(0, len(rows), LINES_PER_PAGE)]
    kids = " ".join(f"{5 + 2 * number} 0 R" for number in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for number, page in enumerate(pages):
        text = " ".join(f"/{font} 10 Tf ({_pdf_string(line)}) Tj T*" for font, line in page)
        stream = f"BT 14 TL 56 786 Td {text} ET".encode("cp1252", "replace")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {6 + 2 * number} 0 R "
            "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
