"""Council objects as OParl 1.1 JSON (../shared/oparl-1.1/schema and spec).

- Ids are canonical absolute URLs built from BASE_URL (core.urls.external_url), never from the
  request's Host: the same object always has the same id, and that id answers with it.
- What the schema marks as embedded ("intern ausgegeben") is embedded, with `created` and
  `modified` like every object (OParl 1.1 requires them on all); deleted objects are never
  embedded (spec 2.5). References are URLs. A deleted object itself answers as a tombstone:
  `id`, `type`, `created`, `modified` and `deleted: true` (spec 2.8).
- Non-public agenda items and files do not exist for the API: neither embedded, nor listed,
  nor reachable by their URL (queries.public_*).
- Empty values are left out rather than sent as "" or [] (the spec: attributes without a
  value should not be output), except where a schema requires the attribute.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from participation.core.urls import external_url
from participation.council import queries
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

SCHEMA = "https://schema.oparl.org/1.1/"

# model -> (OParl type, the URL segment of its objects)
TYPES = {
    Body: ("Body", "body"),
    LegislativeTerm: ("LegislativeTerm", "legislative-term"),
    Organization: ("Organization", "organization"),
    Person: ("Person", "person"),
    Membership: ("Membership", "membership"),
    Meeting: ("Meeting", "meeting"),
    AgendaItem: ("AgendaItem", "agenda-item"),
    Paper: ("Paper", "paper"),
    PaperConsultation: ("Consultation", "consultation"),
    File: ("File", "file"),
    Location: ("Location", "location"),
}
MODELS_BY_SEGMENT = {segment: model for model, (_name, segment) in TYPES.items()}


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def object_url(obj) -> str:
    return external_url("oparl.object", kind=TYPES[type(obj)][1], object_id=obj.id)


def list_url(body: Body, kind: str, **query) -> str:
    return external_url("oparl.body_list", body_id=body.id, kind=kind, **query)


def _urls(objects) -> list[str]:
    return [object_url(obj) for obj in objects if not obj.deleted]


def _clean(document: dict) -> dict:
    """Leave out what has no value; OParl wants absent attributes, not empty ones."""
    return {key: value for key, value in document.items() if value not in (None, "", [], {})}


def _common(obj) -> dict:
    name, _segment = TYPES[type(obj)]
    return {
        "id": object_url(obj),
        "type": SCHEMA + name,
        "created": timestamp(obj.created),
        "modified": timestamp(obj.modified),
        "web": obj.web,
        "license": obj.license,
        "keyword": list(obj.keyword or []),
    }


def tombstone(obj) -> dict:
    name, _segment = TYPES[type(obj)]
    return {
        "id": object_url(obj),
        "type": SCHEMA + name,
        "created": timestamp(obj.created),
        "modified": timestamp(obj.modified),
        "deleted": True,
    }


def document(obj, *, omit_internal: bool = False) -> dict:
    """The object as OParl sends it at its own URL or in a list."""
    if obj.deleted:
        return tombstone(obj)
    return _RENDERERS[type(obj)](obj, omit_internal)


def embedded(obj) -> dict | None:
    """An object inside another: never a deleted one."""
    if obj is None or obj.deleted:
        return None
    return _RENDERERS[type(obj)](obj, True)


def _embedded_list(objects) -> list[dict]:
    return [doc for doc in (embedded(obj) for obj in objects) if doc is not None]


def system_document(system: CouncilSystem, *, name: str, website: str | None) -> dict:
    return _clean(
        {
            "id": external_url("oparl.system"),
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "body": external_url("oparl.bodies"),
            "name": system.name or name,
            "contactEmail": system.contact_email,
            "contactName": system.contact_name,
            "website": system.website or website,
            "license": system.license,
            "product": "https://github.com/participation/participation",
            "created": timestamp(system.created),
            "modified": timestamp(system.modified),
        }
    )


def _body(body: Body, omit_internal: bool) -> dict:
    doc = _common(body)
    doc.update(
        {
            "system": external_url("oparl.system"),
            "name": body.name,
            "shortName": body.short_name,
            "website": body.website,
            "licenseValidSince": timestamp(body.license_valid_since),
            "oparlSince": timestamp(body.oparl_since),
            "ags": body.ags,
            "rgs": body.rgs,
            "equivalent": list(body.equivalent or []),
            "contactEmail": body.contact_email,
            "contactName": body.contact_name,
            "classification": body.classification,
            "organization": list_url(body, "organization"),
            "person": list_url(body, "person"),
            "meeting": list_url(body, "meeting"),
            "paper": list_url(body, "paper"),
            "agendaItem": list_url(body, "agenda-item"),
            "consultation": list_url(body, "consultation"),
            "file": list_url(body, "file"),
            "locationList": list_url(body, "location"),
            "legislativeTermList": list_url(body, "legislative-term"),
            "membership": list_url(body, "membership"),
            "location": embedded(body.location),
        }
    )
    cleaned = _clean(doc)
    # required by the schema, so present even when empty
    cleaned["legislativeTerm"] = [] if omit_internal else _embedded_list(body.legislative_terms)
    return cleaned


def _legislative_term(term: LegislativeTerm, omit_internal: bool) -> dict:
    doc = _common(term)
    doc.update(
        {
            "body": object_url(term.body),
            "name": term.name,
            "startDate": day(term.start_date),
            "endDate": day(term.end_date),
        }
    )
    return _clean(doc)


def _organization(org: Organization, omit_internal: bool) -> dict:
    doc = _common(org)
    doc.update(
        {
            "body": object_url(org.body),
            "name": org.name,
            "shortName": org.short_name,
            "membership": _urls(org.memberships),
            "post": list(org.post or []),
            "subOrganizationOf": object_url(org.sub_organization_of) if org.sub_organization_of else None,
            "organizationType": org.organization_type,
            "classification": org.classification,
            "startDate": day(org.start_date),
            "endDate": day(org.end_date),
            "website": org.website,
            "location": embedded(org.location),
            "externalBody": org.external_body,
            "meeting": external_url("oparl.organization_meetings", organization_id=org.id),
        }
    )
    return _clean(doc)


def _person(person: Person, omit_internal: bool) -> dict:
    doc = _common(person)
    doc.update(
        {
            "body": object_url(person.body),
            "name": person.name,
            "familyName": person.family_name,
            "givenName": person.given_name,
            "formOfAddress": person.form_of_address,
            "affix": person.affix,
            "title": list(person.title or []),
            "gender": person.gender,
            "phone": list(person.phone or []),
            "email": list(person.email or []),
            "status": list(person.status or []),
            "life": person.life,
            "lifeSource": person.life_source,
            "location": object_url(person.location)
            if person.location and not person.location.deleted
            else None,
            "locationObject": embedded(person.location),
            "membership": None if omit_internal else _embedded_list(person.memberships),
        }
    )
    return _clean(doc)


def _membership(membership: Membership, omit_internal: bool) -> dict:
    doc = _common(membership)
    doc.update(
        {
            "person": object_url(membership.person),
            "organization": object_url(membership.organization),
            "role": membership.role,
            "votingRight": membership.voting_right,
            "startDate": day(membership.start_date),
            "endDate": day(membership.end_date),
            "onBehalfOf": object_url(membership.on_behalf_of) if membership.on_behalf_of else None,
        }
    )
    return _clean(doc)


def _meeting(meeting: Meeting, omit_internal: bool) -> dict:
    doc = _common(meeting)
    doc.update(
        {
            "name": meeting.name,
            "meetingState": meeting.meeting_state,
            "cancelled": meeting.cancelled or None,
            "start": timestamp(meeting.start),
            "end": timestamp(meeting.end),
            "location": embedded(meeting.location),
            "organization": _urls(meeting.organizations),
            "participant": _urls(meeting.participants),
            "invitation": embedded(queries.public_file(meeting.invitation)),
            "resultsProtocol": embedded(queries.public_file(meeting.results_protocol)),
            "verbatimProtocol": embedded(queries.public_file(meeting.verbatim_protocol)),
        }
    )
    if not omit_internal:
        doc["auxiliaryFile"] = _embedded_list(queries.public_files(meeting.auxiliary_files))
        doc["agendaItem"] = _embedded_list(queries.public_agenda_items(meeting.agenda_items))
    return _clean(doc)


def _agenda_item(item: AgendaItem, omit_internal: bool) -> dict:
    doc = _common(item)
    consultation = next((c for c in item.consultations if not c.deleted), None)
    doc.update(
        {
            "meeting": object_url(item.meeting),
            "number": item.number,
            "name": item.name,
            "public": item.public,
            "consultation": object_url(consultation) if consultation else None,
            "result": item.result,
            "resolutionText": item.resolution_text,
            "resolutionFile": embedded(queries.public_file(item.resolution_file)),
            "start": timestamp(item.start),
            "end": timestamp(item.end),
        }
    )
    if not omit_internal:
        doc["auxiliaryFile"] = _embedded_list(queries.public_files(item.auxiliary_files))
    cleaned = _clean(doc)
    cleaned["order"] = item.order  # required, and 0 is a value
    return cleaned


def _paper(paper: Paper, omit_internal: bool) -> dict:
    doc = _common(paper)
    doc.update(
        {
            "body": object_url(paper.body),
            "name": paper.name,
            "reference": paper.reference,
            "date": day(paper.date),
            "paperType": paper.paper_type,
            "relatedPaper": _urls(paper.related_papers),
            "superordinatedPaper": _urls(paper.superordinated_papers),
            "subordinatedPaper": _urls(paper.subordinated_papers),
            "mainFile": embedded(queries.public_file(paper.main_file)),
            "originatorPerson": _urls(paper.originator_persons),
            "underDirectionOf": _urls(paper.under_direction_of),
            "originatorOrganization": _urls(paper.originator_organizations),
            "consultation": _embedded_list(paper.consultations),
        }
    )
    if not omit_internal:
        doc["auxiliaryFile"] = _embedded_list(queries.public_files(paper.auxiliary_files))
        doc["location"] = _embedded_list(paper.locations)
    return _clean(doc)


def _consultation(consultation: PaperConsultation, omit_internal: bool) -> dict:
    doc = _common(consultation)
    item = consultation.agenda_item
    doc.update(
        {
            "paper": object_url(consultation.paper) if consultation.paper else None,
            "agendaItem": object_url(item) if item is not None and item.public and not item.deleted else None,
            "meeting": object_url(consultation.meeting) if consultation.meeting else None,
            "organization": _urls(consultation.organizations),
            "authoritative": consultation.authoritative,
            "role": consultation.role,
        }
    )
    return _clean(doc)


def _file(file: File, omit_internal: bool) -> dict:
    doc = _common(file)
    owners = queries.file_owners(file.id)
    doc.update(
        {
            "name": file.name,
            "fileName": file.file_name,
            "mimeType": file.mime_type,
            "date": day(file.date),
            "size": file.size,
            "sha1Checksum": file.sha1_checksum,
            "sha512Checksum": file.sha512_checksum,
            "text": file.text,
            "accessUrl": external_url("oparl.file_access", file_id=file.id),
            "downloadUrl": external_url("oparl.file_download", file_id=file.id),
            "externalServiceUrl": file.external_service_url,
            "masterFile": object_url(file.master_file) if queries.public_file(file.master_file) else None,
            "fileLicense": file.file_license,
            "meeting": [external_url("oparl.object", kind="meeting", object_id=i) for i in owners["meeting"]],
            "agendaItem": [
                external_url("oparl.object", kind="agenda-item", object_id=i) for i in owners["agenda_item"]
            ],
            "paper": [external_url("oparl.object", kind="paper", object_id=i) for i in owners["paper"]],
        }
    )
    return _clean(doc)


def _location(location: Location, omit_internal: bool) -> dict:
    doc = _common(location)
    doc.update(
        {
            "description": location.description,
            "geojson": location.geojson,
            "streetAddress": location.street_address,
            "room": location.room,
            "postalCode": location.postal_code,
            "subLocality": location.sub_locality,
            "locality": location.locality,
        }
    )
    return _clean(doc)


_RENDERERS = {
    Body: _body,
    LegislativeTerm: _legislative_term,
    Organization: _organization,
    Person: _person,
    Membership: _membership,
    Meeting: _meeting,
    AgendaItem: _agenda_item,
    Paper: _paper,
    PaperConsultation: _consultation,
    File: _file,
    Location: _location,
}
