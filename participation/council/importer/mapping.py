"""OParl JSON (1.0 and 1.1) to rows, one function per type.

Where an object comes from decides what it belongs to: a body's lists give their objects that
body; an object embedded in another gets its parent (1.0 memberships name no person, 1.0
legislative terms no body). Attributes a document leaves out mean "no value", except lists of
embedded objects and references, which are only replaced when the document has them
(`omit_internal` and abbreviated embeddings leave them out).

Embedded objects the source stopped embedding are deleted there (spec 2.5: deleted objects are
never embedded), but only where the body has no list of its own for that type: a 1.1 server
says so with tombstones in its `agendaItem`, `membership` and `consultation` lists, a 1.0
server only by leaving the object out of its parent.

Paper hierarchies (`superordinatedPaper` / `subordinatedPaper`) are one set of links told from
both ends, which real servers do not always keep consistent: links are added from either end
and never removed by an import, so two papers that disagree cannot make every run rewrite them.
"""

from __future__ import annotations

from participation.council.importer.quirks import Values, oparl_type
from participation.council.importer.rows import (
    MAX_ID_LENGTH,
    MODELS,
    Malformed,
    MissingRequired,
    RowWriter,
    Upsert,
)

# children kept in the parent's document, and the body list that makes them independent of it
CHILD_LISTS = {"AgendaItem": "agendaItem", "Membership": "membership", "Consultation": "consultation"}


class Mapper(RowWriter):
    body_id: int | None = None
    listed_types: frozenset[str] = frozenset()

    # -- dispatch ----------------------------------------------------------------------------
    def import_object(self, doc, expected: str | None, parent: dict):
        if not isinstance(doc, dict):
            raise Malformed(f"an object was expected, not {type(doc).__name__}")
        oparl_id = doc.get("id")
        if not isinstance(oparl_id, str) or not oparl_id.strip():
            raise Malformed("the object has no id")
        if oparl_id != oparl_id.strip():
            doc = {**doc, "id": oparl_id.strip()}
        if len(doc["id"]) > MAX_ID_LENGTH:
            raise Malformed(f"an id of {len(doc['id'])} characters")
        name, _version = oparl_type(doc)
        if name is None:
            if expected is None:
                raise Malformed("no type, and nothing says which one it is")
            kind = "tombstone-without-type" if doc.get("deleted") is True else "object-without-type"
            self.report.warn(kind, f"{doc['id']}: taken as {expected}")
            name = expected
        elif expected is not None and name != expected:
            raise Malformed(f"a {name} where a {expected} belongs")
        if name not in MODELS:
            raise Malformed(f"type {name!r} is not imported")
        for key in doc:
            if ":" in key:
                self.report.warn("vendor-key", f"{key} ignored ({doc['id']})")
        v = Values(doc, self.report.warn)
        if doc.get("deleted") is True:
            return self.tombstone(name, doc, v)
        try:
            return getattr(self, "_" + name.lower())(doc, v, parent)
        except MissingRequired as missing:
            self.wait(doc, name, parent, missing)
            return None

    # -- embedded objects and their lists ------------------------------------------------------
    def embedded(self, up: Upsert, key: str, fk: str, oparl_type: str, parent: dict | None = None) -> None:
        """One embedded object (a meeting's location, a paper's main file) as a foreign key."""
        doc = up.values.doc
        if key not in doc:
            return
        raw = doc[key]
        if isinstance(raw, list) and len(raw) == 1:
            self.report.warn("list-for-object", f"{up.values.where} {key}")
            raw = raw[0]
        if isinstance(raw, str) and raw.strip():
            self.report.warn("reference-for-object", f"{up.values.where} {key}: {raw}")
            self.reference(up, fk, oparl_type, raw.strip())
            return
        if raw in (None, "", [], {}):
            self.set_value(up, fk, None)
            return
        row = self.import_object(raw, oparl_type, parent or {})
        self.set_value(up, fk, row.id if row is not None else None)

    def embedded_list(self, up: Upsert, key: str, oparl_type: str, parent: dict | None = None) -> list | None:
        """Embedded objects (files, locations); the rows, or None if the key is absent."""
        doc = up.values.doc
        if key not in doc:
            return None
        raw = doc[key]
        if raw is None or raw == "":
            return []
        if not isinstance(raw, list):
            self.report.warn(
                "object-for-list", f"{up.values.where} {key}: one {type(raw).__name__}, not a list"
            )
            raw = [raw]
        refs: list = []
        for item in raw:
            if isinstance(item, str):
                if item.strip():
                    self.report.warn("reference-for-object", f"{up.values.where} {key}: {item}")
                    refs.append(item.strip())
                continue
            row = self.import_object(item, oparl_type, parent or {})
            if row is not None and not row.deleted:
                refs.append(row)
        return refs

    def children(self, up: Upsert, key: str, oparl_type: str, fk: str) -> None:
        """Objects that exist only in their parent (a meeting's agenda items)."""
        refs = self.embedded_list(up, key, oparl_type, {fk: up.row.id})
        if refs is None or up.new or CHILD_LISTS[oparl_type] in self.listed_types:
            return
        present = {ref.id for ref in refs if not isinstance(ref, str)}
        raw = up.values.doc.get(key)
        items = raw if isinstance(raw, list) else [raw]
        present_ids = {item.get("id") if isinstance(item, dict) else item for item in items}
        for row in self.rows_where(oparl_type, fk, up.row.id):
            if row.id not in present and row.oparl_id not in present_ids:
                self.mark_deleted(row, up.values.timestamp("modified") or row.modified)
                self._count(oparl_type, "deleted")

    def refs(self, v: Values, key: str) -> list[str]:
        """A list of references; a single one, or embedded objects where URLs belong, are read too."""
        raw = v.doc.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.report.warn("single-value-for-list", f"{v.where} {key}")
            raw = [raw]
        found = []
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.report.warn("object-for-reference", f"{v.where} {key}")
                item = item["id"]
            if isinstance(item, str) and item.strip():
                found.append(item.strip())
            elif item not in (None, ""):
                self.report.warn("bad-reference", f"{v.where} {key}: {item!r}"[:120])
        return found

    def ref(self, v: Values, key: str) -> str | None:
        raw = v.doc.get(key)
        if isinstance(raw, list) and raw:
            self.report.warn("list-for-reference", f"{v.where} {key}")
            raw = raw[0]
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            self.report.warn("object-for-reference", f"{v.where} {key}")
            raw = raw["id"]
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        return None

    def links(self, up: Upsert, key: str, attr: str, target_type: str, *, add_only: bool = False) -> None:
        if key in up.values.doc:
            self.collection(up, attr, target_type, self.refs(up.values, key), add_only=add_only)

    def _body_of(self) -> int:
        if self.body_id is None:
            raise Malformed("no body to import into")
        return self.body_id

    # -- the types -----------------------------------------------------------------------------
    def _body(self, doc, v: Values, parent):
        name = v.text("name") or v.text("shortName") or doc["id"]
        if v.text("name") is None:
            self.report.warn("body-without-name", f"{doc['id']}: named {name!r}")
        up = self.upsert(
            "Body",
            doc,
            v,
            dict(
                name=name,
                short_name=v.text("shortName"),
                website=v.url("website"),
                license_valid_since=v.timestamp("licenseValidSince"),
                oparl_since=v.timestamp("oparlSince"),
                ags=v.ags("ags"),
                rgs=v.text("rgs"),
                equivalent=v.strings("equivalent"),
                contact_email=v.text("contactEmail"),
                contact_name=v.text("contactName"),
                classification=v.text("classification"),
            ),
        )
        self.body_id = up.row.id
        self.embedded(up, "location", "location_id", "Location")
        self.embedded_list(up, "legislativeTerm", "LegislativeTerm")
        self.done(up)
        return up.row

    def _legislativeterm(self, doc, v: Values, parent):
        values = dict(body_id=self._body_of(), name=v.text("name"), start_date=v.date("startDate"))
        values["end_date"] = v.date("endDate")
        up = self.upsert("LegislativeTerm", doc, v, values)
        self.done(up)
        return up.row

    def _location(self, doc, v: Values, parent):
        up = self.upsert(
            "Location",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                description=v.text("description"),
                geojson=v.geojson("geojson"),
                street_address=v.text("streetAddress"),
                room=v.text("room"),
                postal_code=v.postal_code("postalCode"),
                sub_locality=v.text("subLocality"),
                locality=v.text("locality"),
            ),
        )
        self.done(up)
        return up.row

    def _organization(self, doc, v: Values, parent):
        up = self.upsert(
            "Organization",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                name=v.text("name"),
                short_name=v.text("shortName"),
                post=v.strings("post"),
                organization_type=v.text("organizationType"),
                classification=v.text("classification"),
                start_date=v.date("startDate"),
                end_date=v.date("endDate"),
                website=v.url("website"),
                external_body=v.url("externalBody"),
            ),
        )
        self.reference(up, "sub_organization_of_id", "Organization", self.ref(v, "subOrganizationOf"))
        self.embedded(up, "location", "location_id", "Location")
        self.done(up)
        return up.row

    def _person(self, doc, v: Values, parent):
        up = self.upsert(
            "Person",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                name=v.text("name"),
                family_name=v.text("familyName"),
                given_name=v.text("givenName"),
                form_of_address=v.text("formOfAddress"),
                affix=v.text("affix"),
                title=v.strings("title"),
                gender=v.text("gender"),
                phone=v.strings("phone"),
                email=v.strings("email"),
                status=v.strings("status"),
                life=v.text("life", multiline=True),
                life_source=v.text("lifeSource"),
            ),
        )
        if isinstance(doc.get("locationObject"), dict):
            self.embedded(up, "locationObject", "location_id", "Location")
        elif isinstance(doc.get("location"), dict):  # 1.0 embeds it under `location`
            self.embedded(up, "location", "location_id", "Location")
        elif "location" in doc:
            self.reference(up, "location_id", "Location", self.ref(v, "location"))
        self.children(up, "membership", "Membership", "person_id")
        self.done(up)
        return up.row

    def _membership(self, doc, v: Values, parent):
        person_id = parent.get("person_id") or self.required("Person", self.ref(v, "person"))
        organization_id = self.required("Organization", self.ref(v, "organization"))
        up = self.upsert(
            "Membership",
            doc,
            v,
            dict(
                person_id=person_id,
                organization_id=organization_id,
                role=v.text("role"),
                voting_right=v.boolean("votingRight"),
                start_date=v.date("startDate"),
                end_date=v.date("endDate"),
            ),
        )
        self.reference(up, "on_behalf_of_id", "Organization", self.ref(v, "onBehalfOf"))
        self.done(up)
        return up.row

    def _meeting(self, doc, v: Values, parent):
        up = self.upsert(
            "Meeting",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                name=v.text("name"),
                meeting_state=v.text("meetingState"),
                cancelled=bool(v.boolean("cancelled")),
                start=v.timestamp("start"),
                end=v.timestamp("end"),
            ),
        )
        if isinstance(doc.get("location"), str):
            self.reference(up, "location_id", "Location", self.ref(v, "location"))
        else:
            self.embedded(up, "location", "location_id", "Location")
        self.links(up, "organization", "organizations", "Organization")
        self.links(up, "participant", "participants", "Person")
        for key, fk in (
            ("invitation", "invitation_id"),
            ("resultsProtocol", "results_protocol_id"),
            ("verbatimProtocol", "verbatim_protocol_id"),
        ):
            self.embedded(up, key, fk, "File")
        files = self.embedded_list(up, "auxiliaryFile", "File")
        if files is not None:
            self.collection(up, "auxiliary_files", "File", files)
        self.children(up, "agendaItem", "AgendaItem", "meeting_id")
        self.done(up)
        return up.row

    def _agendaitem(self, doc, v: Values, parent):
        meeting_id = parent.get("meeting_id") or self.required("Meeting", self.ref(v, "meeting"))
        order = v.integer("order")
        public = v.boolean("public")
        up = self.upsert(
            "AgendaItem",
            doc,
            v,
            dict(
                meeting_id=meeting_id,
                number=v.text("number"),
                order=order if order is not None else 0,
                name=v.text("name"),
                public=True if public is None else public,
                result=v.text("result"),
                resolution_text=v.text("resolutionText", multiline=True),
                start=v.timestamp("start"),
                end=v.timestamp("end"),
            ),
        )
        self.embedded(up, "resolutionFile", "resolution_file_id", "File")
        files = self.embedded_list(up, "auxiliaryFile", "File")
        if files is not None:
            self.collection(up, "auxiliary_files", "File", files)
        self.done(up)
        return up.row

    def _paper(self, doc, v: Values, parent):
        up = self.upsert(
            "Paper",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                name=v.text("name"),
                reference=v.text("reference"),
                date=v.date("date"),
                paper_type=v.text("paperType"),
            ),
        )
        self.links(up, "relatedPaper", "related_papers", "Paper")
        self.links(up, "superordinatedPaper", "superordinated_papers", "Paper", add_only=True)
        self.links(up, "subordinatedPaper", "subordinated_papers", "Paper", add_only=True)
        self.links(up, "originatorPerson", "originator_persons", "Person")
        self.links(up, "underDirectionOf", "under_direction_of", "Organization")
        self.links(up, "originatorOrganization", "originator_organizations", "Organization")
        self.embedded(up, "mainFile", "main_file_id", "File")
        files = self.embedded_list(up, "auxiliaryFile", "File")
        if files is not None:
            self.collection(up, "auxiliary_files", "File", files)
        locations = self.embedded_list(up, "location", "Location")
        if locations is not None:
            self.collection(up, "locations", "Location", locations)
        self.children(up, "consultation", "Consultation", "paper_id")
        self.done(up)
        return up.row

    def _consultation(self, doc, v: Values, parent):
        up = self.upsert(
            "Consultation",
            doc,
            v,
            dict(authoritative=v.boolean("authoritative"), role=v.text("role")),
        )
        if parent.get("paper_id"):
            self.set_value(up, "paper_id", parent["paper_id"])
        else:
            self.reference(up, "paper_id", "Paper", self.ref(v, "paper"))
        self.reference(up, "agenda_item_id", "AgendaItem", self.ref(v, "agendaItem"))
        self.reference(up, "meeting_id", "Meeting", self.ref(v, "meeting"))
        self.links(up, "organization", "organizations", "Organization")
        self.done(up)
        return up.row

    def _file(self, doc, v: Values, parent):
        up = self.upsert(
            "File",
            doc,
            v,
            dict(
                body_id=self._body_of(),
                name=v.text("name"),
                file_name=v.text("fileName"),
                mime_type=v.mime_type("mimeType"),
                date=v.date("date"),
                size=v.integer("size", positive=True),
                sha1_checksum=v.checksum("sha1Checksum", 40),
                sha512_checksum=v.checksum("sha512Checksum", 128),
                text=v.text("text", multiline=True),
                access_url=v.url("accessUrl", collapse_slashes=True),
                download_url=v.url("downloadUrl", collapse_slashes=True),
                external_service_url=v.url("externalServiceUrl"),
                file_license=v.text("fileLicense"),
            ),
        )
        self.reference(up, "master_file_id", "File", self.ref(v, "masterFile"))
        self.done(up)
        return up.row
