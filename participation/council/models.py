"""The city council's data as OParl 1.1 defines it (../shared/oparl-1.1/schema).

One table per OParl type, with the fields the schemas name (snake_case here, camelCase in the
API: oparl.py maps them), plus what every OParl object carries (`CouncilObject`):
- `created` / `modified`: OParl's timestamps. For imported objects they come from the source
  server; local edits move `modified`, so clients of our API can sync with `modified_since`.
- `deleted`: OParl keeps deleted objects as tombstones (spec 2.8): rows are never removed,
  lists show them only to clients that ask for changes since a date.
- `oparl_id`: the object's id on the server it was imported from (unique per type), so a
  second import updates instead of duplicating; None for objects made here.
- `web`, `license`, `keyword`: as in every schema.

Lists of references that OParl embeds or links (a meeting's organisations, a paper's files)
are association tables. Non-public agenda items and files (`public` False) exist for staff
only: the pages, the API and the calendars filter them out (queries.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.models import utcnow
from participation.extensions import db


class CouncilObject:
    """What every OParl object has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    modified: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    web: Mapped[str | None] = mapped_column(String(500))
    license: Mapped[str | None] = mapped_column(String(500))
    keyword: Mapped[list] = mapped_column(JSON, default=list)


def _link_table(name: str, left: str, right: str) -> Table:
    return Table(
        name,
        db.metadata,
        Column(f"{left}_id", ForeignKey(f"council_{left}.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{right}_id", ForeignKey(f"council_{right}.id", ondelete="CASCADE"), primary_key=True),
    )


meeting_organization = _link_table("council_meeting_organization", "meeting", "organization")
meeting_participant = _link_table("council_meeting_participant", "meeting", "person")
meeting_file = _link_table("council_meeting_file", "meeting", "file")
agenda_item_file = _link_table("council_agenda_item_file", "agenda_item", "file")
paper_file = _link_table("council_paper_file", "paper", "file")
paper_location = _link_table("council_paper_location", "paper", "location")
paper_originator_person = _link_table("council_paper_originator_person", "paper", "person")
paper_originator_organization = _link_table("council_paper_originator_organization", "paper", "organization")
paper_under_direction_of = _link_table("council_paper_under_direction_of", "paper", "organization")
consultation_organization = _link_table("council_consultation_organization", "consultation", "organization")
paper_related = Table(
    "council_paper_related",
    db.metadata,
    Column("paper_id", ForeignKey("council_paper.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("council_paper.id", ondelete="CASCADE"), primary_key=True),
)
# superordinated -> subordinated ("Vorlage" -> its "Änderungsantrag"); OParl lists both ways
paper_subordinated = Table(
    "council_paper_subordinated",
    db.metadata,
    Column("superordinated_id", ForeignKey("council_paper.id", ondelete="CASCADE"), primary_key=True),
    Column("subordinated_id", ForeignKey("council_paper.id", ondelete="CASCADE"), primary_key=True),
)


class Location(CouncilObject, db.Model):
    __tablename__ = "council_location"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id", use_alter=True), index=True)
    description: Mapped[str | None] = mapped_column(String(500))
    geojson: Mapped[dict | None] = mapped_column(JSON)  # a GeoJSON Feature, lon/lat order
    street_address: Mapped[str | None] = mapped_column(String(300))
    room: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    sub_locality: Mapped[str | None] = mapped_column(String(200))
    locality: Mapped[str | None] = mapped_column(String(200))


class Body(CouncilObject, db.Model):
    """A municipality's council body (Körperschaft): Leipzig's city, say."""

    __tablename__ = "council_body"

    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(500))
    license_valid_since: Mapped[dt.datetime | None]
    oparl_since: Mapped[dt.datetime | None]
    ags: Mapped[str | None] = mapped_column(String(20))
    rgs: Mapped[str | None] = mapped_column(String(20))
    equivalent: Mapped[list] = mapped_column(JSON, default=list)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_name: Mapped[str | None] = mapped_column(String(300))
    classification: Mapped[str | None] = mapped_column(String(200))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("council_location.id"))

    location: Mapped[Location | None] = relationship(foreign_keys=[location_id])
    legislative_terms: Mapped[list[LegislativeTerm]] = relationship(
        back_populates="body", order_by="LegislativeTerm.start_date"
    )


class LegislativeTerm(CouncilObject, db.Model):
    __tablename__ = "council_legislative_term"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship(back_populates="legislative_terms")


class Organization(CouncilObject, db.Model):
    """The council itself, a committee, a parliamentary group, an office."""

    __tablename__ = "council_organization"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(100))
    post: Mapped[list] = mapped_column(JSON, default=list)
    sub_organization_of_id: Mapped[int | None] = mapped_column(ForeignKey("council_organization.id"))
    organization_type: Mapped[str | None] = mapped_column(String(100))  # Gremium, Fraktion, …
    classification: Mapped[str | None] = mapped_column(String(200))  # Ausschuss, Beirat, …
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    website: Mapped[str | None] = mapped_column(String(500))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("council_location.id"))
    external_body: Mapped[str | None] = mapped_column(String(500))

    body: Mapped[Body] = relationship()
    location: Mapped[Location | None] = relationship()
    sub_organization_of: Mapped[Organization | None] = relationship(remote_side="Organization.id")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", foreign_keys="Membership.organization_id", order_by="Membership.id"
    )


class Person(CouncilObject, db.Model):
    __tablename__ = "council_person"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    family_name: Mapped[str | None] = mapped_column(String(200), index=True)
    given_name: Mapped[str | None] = mapped_column(String(200))
    form_of_address: Mapped[str | None] = mapped_column(String(100))
    affix: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[list] = mapped_column(JSON, default=list)
    gender: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[list] = mapped_column(JSON, default=list)
    life: Mapped[str | None] = mapped_column(Text)
    life_source: Mapped[str | None] = mapped_column(String(500))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("council_location.id"))

    body: Mapped[Body] = relationship()
    location: Mapped[Location | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", order_by="Membership.start_date, Membership.id"
    )

    @property
    def display_name(self) -> str:
        given_family = " ".join(part for part in (self.given_name, self.family_name) if part)
        return self.name or given_family or "—"


class Membership(CouncilObject, db.Model):
    __tablename__ = "council_membership"

    person_id: Mapped[int] = mapped_column(ForeignKey("council_person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("council_organization.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(200))
    voting_right: Mapped[bool | None]
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("council_organization.id"))

    person: Mapped[Person] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(
        back_populates="memberships", foreign_keys=[organization_id]
    )
    on_behalf_of: Mapped[Organization | None] = relationship(foreign_keys=[on_behalf_of_id])


class File(CouncilObject, db.Model):
    """A document: its bytes live in the upload storage (`storage_key`) or, imported, at the
    source server (`access_url`)."""

    __tablename__ = "council_file"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[dt.date | None] = mapped_column(Date)
    size: Mapped[int | None] = mapped_column(Integer)
    sha1_checksum: Mapped[str | None] = mapped_column(String(40))
    sha512_checksum: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str | None] = mapped_column(Text)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    access_url: Mapped[str | None] = mapped_column(String(1000))  # imported: where the source serves it
    download_url: Mapped[str | None] = mapped_column(String(1000))
    external_service_url: Mapped[str | None] = mapped_column(String(1000))
    master_file_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))
    file_license: Mapped[str | None] = mapped_column(String(500))
    public: Mapped[bool] = mapped_column(default=True)

    master_file: Mapped[File | None] = relationship(remote_side="File.id")


class Meeting(CouncilObject, db.Model):
    __tablename__ = "council_meeting"
    __table_args__ = (Index("ix_council_meeting_start", "start"),)

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(500))
    meeting_state: Mapped[str | None] = mapped_column(String(100))  # terminiert, eingeladen, durchgeführt
    cancelled: Mapped[bool] = mapped_column(default=False)
    start: Mapped[dt.datetime | None]
    end: Mapped[dt.datetime | None]
    location_id: Mapped[int | None] = mapped_column(ForeignKey("council_location.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))
    results_protocol_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))
    verbatim_protocol_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))

    body: Mapped[Body] = relationship()
    location: Mapped[Location | None] = relationship()
    invitation: Mapped[File | None] = relationship(foreign_keys=[invitation_id])
    results_protocol: Mapped[File | None] = relationship(foreign_keys=[results_protocol_id])
    verbatim_protocol: Mapped[File | None] = relationship(foreign_keys=[verbatim_protocol_id])
    organizations: Mapped[list[Organization]] = relationship(
        secondary=meeting_organization, order_by="Organization.id"
    )
    participants: Mapped[list[Person]] = relationship(secondary=meeting_participant, order_by="Person.id")
    auxiliary_files: Mapped[list[File]] = relationship(secondary=meeting_file, order_by="File.id")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.order, AgendaItem.id"
    )


class AgendaItem(CouncilObject, db.Model):
    __tablename__ = "council_agenda_item"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(50))
    order: Mapped[int] = mapped_column(default=0)
    name: Mapped[str | None] = mapped_column(String(1000))
    public: Mapped[bool] = mapped_column(default=True)
    result: Mapped[str | None] = mapped_column(String(200))
    resolution_text: Mapped[str | None] = mapped_column(Text)
    resolution_file_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))
    start: Mapped[dt.datetime | None]
    end: Mapped[dt.datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    resolution_file: Mapped[File | None] = relationship()
    auxiliary_files: Mapped[list[File]] = relationship(secondary=agenda_item_file, order_by="File.id")
    consultations: Mapped[list[PaperConsultation]] = relationship(
        back_populates="agenda_item", order_by="PaperConsultation.id"
    )


class Paper(CouncilObject, db.Model):
    """A Drucksache: a proposal, a motion, an inquiry, a report."""

    __tablename__ = "council_paper"

    body_id: Mapped[int] = mapped_column(ForeignKey("council_body.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(1000))
    reference: Mapped[str | None] = mapped_column(String(100), index=True)  # "VIII-A-01234"
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    paper_type: Mapped[str | None] = mapped_column(String(200))
    main_file_id: Mapped[int | None] = mapped_column(ForeignKey("council_file.id"))

    body: Mapped[Body] = relationship()
    main_file: Mapped[File | None] = relationship()
    auxiliary_files: Mapped[list[File]] = relationship(secondary=paper_file, order_by="File.id")
    locations: Mapped[list[Location]] = relationship(secondary=paper_location, order_by="Location.id")
    originator_persons: Mapped[list[Person]] = relationship(
        secondary=paper_originator_person, order_by="Person.id"
    )
    originator_organizations: Mapped[list[Organization]] = relationship(
        secondary=paper_originator_organization, order_by="Organization.id"
    )
    under_direction_of: Mapped[list[Organization]] = relationship(
        secondary=paper_under_direction_of, order_by="Organization.id"
    )
    related_papers: Mapped[list[Paper]] = relationship(
        secondary=paper_related,
        primaryjoin="Paper.id == council_paper_related.c.paper_id",
        secondaryjoin="Paper.id == council_paper_related.c.related_id",
        order_by="Paper.id",
    )
    subordinated_papers: Mapped[list[Paper]] = relationship(
        secondary=paper_subordinated,
        primaryjoin="Paper.id == council_paper_subordinated.c.superordinated_id",
        secondaryjoin="Paper.id == council_paper_subordinated.c.subordinated_id",
        order_by="Paper.id",
        back_populates="superordinated_papers",
    )
    superordinated_papers: Mapped[list[Paper]] = relationship(
        secondary=paper_subordinated,
        primaryjoin="Paper.id == council_paper_subordinated.c.subordinated_id",
        secondaryjoin="Paper.id == council_paper_subordinated.c.superordinated_id",
        order_by="Paper.id",
        back_populates="subordinated_papers",
    )
    consultations: Mapped[list[PaperConsultation]] = relationship(
        back_populates="paper", order_by="PaperConsultation.id"
    )


class PaperConsultation(CouncilObject, db.Model):  # OParl "Consultation": Beratung
    """A paper's passage through one meeting (Beratung): which body discussed it, in what role."""

    __tablename__ = "council_consultation"

    paper_id: Mapped[int | None] = mapped_column(ForeignKey("council_paper.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_item.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meeting.id"), index=True)
    authoritative: Mapped[bool | None]
    role: Mapped[str | None] = mapped_column(String(200))  # Beschlussfassung, Vorberatung, Kenntnisnahme

    paper: Mapped[Paper | None] = relationship(back_populates="consultations")
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="consultations")
    meeting: Mapped[Meeting | None] = relationship()
    organizations: Mapped[list[Organization]] = relationship(
        secondary=consultation_organization, order_by="Organization.id"
    )


class CouncilSystem(db.Model):
    """The OParl System object's settings: one row, made on first use (queries.system)."""

    __tablename__ = "council_system"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_name: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))
    license: Mapped[str | None] = mapped_column(String(500))
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    modified: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
