"""council OParl data: the OParl 1.1 objects, their links, soft deletion and timestamps

Revision ID: b7e1a2c30009
Revises: b7e1a2c30008
Create Date: 2026-12-03 08:35:13.835365

"""

from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = "b7e1a2c30009"
down_revision = "b7e1a2c30008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_location",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("geojson", sa.JSON(), nullable=True),
        sa.Column("street_address", sa.String(length=300), nullable=True),
        sa.Column("room", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("sub_locality", sa.String(length=200), nullable=True),
        sa.Column("locality", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_location")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_location_oparl_id")),
    )
    with op.batch_alter_table("council_location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_location_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_location_modified"), ["modified"], unique=False)

    op.create_table(
        "council_system",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_name", sa.String(length=300), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_system")),
    )
    op.create_table(
        "council_body",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("license_valid_since", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("oparl_since", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ags", sa.String(length=20), nullable=True),
        sa.Column("rgs", sa.String(length=20), nullable=True),
        sa.Column("equivalent", sa.JSON(), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_name", sa.String(length=300), nullable=True),
        sa.Column("classification", sa.String(length=200), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["council_location.id"],
            name=op.f("fk_council_body_location_id_council_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_body")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_body_oparl_id")),
    )
    with op.batch_alter_table("council_body", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_body_modified"), ["modified"], unique=False)

    # Body and Location point at each other: the location's key to its body comes once both exist.
    with op.batch_alter_table("council_location", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_council_location_body_id_council_body"), "council_body", ["body_id"], ["id"]
        )

    op.create_table(
        "council_file",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=True),
        sa.Column("mime_type", sa.String(length=200), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha1_checksum", sa.String(length=40), nullable=True),
        sa.Column("sha512_checksum", sa.String(length=128), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("storage_key", sa.String(length=300), nullable=True),
        sa.Column("access_url", sa.String(length=1000), nullable=True),
        sa.Column("download_url", sa.String(length=1000), nullable=True),
        sa.Column("external_service_url", sa.String(length=1000), nullable=True),
        sa.Column("master_file_id", sa.Integer(), nullable=True),
        sa.Column("file_license", sa.String(length=500), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_file_body_id_council_body")
        ),
        sa.ForeignKeyConstraint(
            ["master_file_id"], ["council_file.id"], name=op.f("fk_council_file_master_file_id_council_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_file")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_file_oparl_id")),
    )
    with op.batch_alter_table("council_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_file_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_file_modified"), ["modified"], unique=False)

    op.create_table(
        "council_legislative_term",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_legislative_term_body_id_council_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_legislative_term")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_legislative_term_oparl_id")),
    )
    with op.batch_alter_table("council_legislative_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_legislative_term_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_legislative_term_modified"), ["modified"], unique=False)

    op.create_table(
        "council_organization",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("short_name", sa.String(length=100), nullable=True),
        sa.Column("post", sa.JSON(), nullable=False),
        sa.Column("sub_organization_of_id", sa.Integer(), nullable=True),
        sa.Column("organization_type", sa.String(length=100), nullable=True),
        sa.Column("classification", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("external_body", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_organization_body_id_council_body")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["council_location.id"],
            name=op.f("fk_council_organization_location_id_council_location"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_organization_of_id"],
            ["council_organization.id"],
            name=op.f("fk_council_organization_sub_organization_of_id_council_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_organization")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_organization_oparl_id")),
    )
    with op.batch_alter_table("council_organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_organization_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_organization_modified"), ["modified"], unique=False)

    op.create_table(
        "council_person",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("family_name", sa.String(length=200), nullable=True),
        sa.Column("given_name", sa.String(length=200), nullable=True),
        sa.Column("form_of_address", sa.String(length=100), nullable=True),
        sa.Column("affix", sa.String(length=100), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("gender", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.JSON(), nullable=False),
        sa.Column("email", sa.JSON(), nullable=False),
        sa.Column("status", sa.JSON(), nullable=False),
        sa.Column("life", sa.Text(), nullable=True),
        sa.Column("life_source", sa.String(length=500), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_person_body_id_council_body")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["council_location.id"],
            name=op.f("fk_council_person_location_id_council_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_person")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_person_oparl_id")),
    )
    with op.batch_alter_table("council_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_person_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_person_family_name"), ["family_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_person_modified"), ["modified"], unique=False)

    op.create_table(
        "council_meeting",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("meeting_state", sa.String(length=100), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("start", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("results_protocol_id", sa.Integer(), nullable=True),
        sa.Column("verbatim_protocol_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_meeting_body_id_council_body")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["council_file.id"], name=op.f("fk_council_meeting_invitation_id_council_file")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["council_location.id"],
            name=op.f("fk_council_meeting_location_id_council_location"),
        ),
        sa.ForeignKeyConstraint(
            ["results_protocol_id"],
            ["council_file.id"],
            name=op.f("fk_council_meeting_results_protocol_id_council_file"),
        ),
        sa.ForeignKeyConstraint(
            ["verbatim_protocol_id"],
            ["council_file.id"],
            name=op.f("fk_council_meeting_verbatim_protocol_id_council_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_meeting")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_meeting_oparl_id")),
    )
    with op.batch_alter_table("council_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_meeting_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_meeting_modified"), ["modified"], unique=False)
        batch_op.create_index("ix_council_meeting_start", ["start"], unique=False)

    op.create_table(
        "council_membership",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("voting_right", sa.Boolean(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_id"],
            ["council_organization.id"],
            name=op.f("fk_council_membership_on_behalf_of_id_council_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["council_organization.id"],
            name=op.f("fk_council_membership_organization_id_council_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["council_person.id"], name=op.f("fk_council_membership_person_id_council_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_membership")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_membership_oparl_id")),
    )
    with op.batch_alter_table("council_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_membership_modified"), ["modified"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_council_membership_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_council_membership_person_id"), ["person_id"], unique=False)

    op.create_table(
        "council_paper",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("paper_type", sa.String(length=200), nullable=True),
        sa.Column("main_file_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_paper_body_id_council_body")
        ),
        sa.ForeignKeyConstraint(
            ["main_file_id"], ["council_file.id"], name=op.f("fk_council_paper_main_file_id_council_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_paper")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_paper_oparl_id")),
    )
    with op.batch_alter_table("council_paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_paper_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_paper_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_paper_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_paper_reference"), ["reference"], unique=False)

    op.create_table(
        "council_agenda_item",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.Column("resolution_text", sa.Text(), nullable=True),
        sa.Column("resolution_file_id", sa.Integer(), nullable=True),
        sa.Column("start", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meeting.id"],
            name=op.f("fk_council_agenda_item_meeting_id_council_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["resolution_file_id"],
            ["council_file.id"],
            name=op.f("fk_council_agenda_item_resolution_file_id_council_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_agenda_item")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_agenda_item_oparl_id")),
    )
    with op.batch_alter_table("council_agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_agenda_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_agenda_item_modified"), ["modified"], unique=False)

    op.create_table(
        "council_meeting_file",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["council_file.id"],
            name=op.f("fk_council_meeting_file_file_id_council_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meeting.id"],
            name=op.f("fk_council_meeting_file_meeting_id_council_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "file_id", name=op.f("pk_council_meeting_file")),
    )
    op.create_table(
        "council_meeting_organization",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meeting.id"],
            name=op.f("fk_council_meeting_organization_meeting_id_council_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["council_organization.id"],
            name=op.f("fk_council_meeting_organization_organization_id_council_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "organization_id", name=op.f("pk_council_meeting_organization")
        ),
    )
    op.create_table(
        "council_meeting_participant",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meeting.id"],
            name=op.f("fk_council_meeting_participant_meeting_id_council_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["council_person.id"],
            name=op.f("fk_council_meeting_participant_person_id_council_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_council_meeting_participant")),
    )
    op.create_table(
        "council_paper_file",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["council_file.id"],
            name=op.f("fk_council_paper_file_file_id_council_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_file_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "file_id", name=op.f("pk_council_paper_file")),
    )
    op.create_table(
        "council_paper_location",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["council_location.id"],
            name=op.f("fk_council_paper_location_location_id_council_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_location_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "location_id", name=op.f("pk_council_paper_location")),
    )
    op.create_table(
        "council_paper_originator_organization",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["council_organization.id"],
            name=op.f("fk_council_paper_originator_organization_organization_id_council_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_originator_organization_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "paper_id", "organization_id", name=op.f("pk_council_paper_originator_organization")
        ),
    )
    op.create_table(
        "council_paper_originator_person",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_originator_person_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["council_person.id"],
            name=op.f("fk_council_paper_originator_person_person_id_council_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "person_id", name=op.f("pk_council_paper_originator_person")),
    )
    op.create_table(
        "council_paper_related",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_related_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_related_related_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "related_id", name=op.f("pk_council_paper_related")),
    )
    op.create_table(
        "council_paper_subordinated",
        sa.Column("superordinated_id", sa.Integer(), nullable=False),
        sa.Column("subordinated_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subordinated_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_subordinated_subordinated_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["superordinated_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_subordinated_superordinated_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "superordinated_id", "subordinated_id", name=op.f("pk_council_paper_subordinated")
        ),
    )
    op.create_table(
        "council_paper_under_direction_of",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["council_organization.id"],
            name=op.f("fk_council_paper_under_direction_of_organization_id_council_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["council_paper.id"],
            name=op.f("fk_council_paper_under_direction_of_paper_id_council_paper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "paper_id", "organization_id", name=op.f("pk_council_paper_under_direction_of")
        ),
    )
    op.create_table(
        "council_agenda_item_file",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["council_agenda_item.id"],
            name=op.f("fk_council_agenda_item_file_agenda_item_id_council_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["council_file.id"],
            name=op.f("fk_council_agenda_item_file_file_id_council_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agenda_item_id", "file_id", name=op.f("pk_council_agenda_item_file")),
    )
    op.create_table(
        "council_consultation",
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("authoritative", sa.Boolean(), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oparl_id", sa.String(length=500), nullable=True),
        sa.Column("created", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=500), nullable=True),
        sa.Column("keyword", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["council_agenda_item.id"],
            name=op.f("fk_council_consultation_agenda_item_id_council_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["council_meeting.id"],
            name=op.f("fk_council_consultation_meeting_id_council_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["council_paper.id"], name=op.f("fk_council_consultation_paper_id_council_paper")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_consultation")),
        sa.UniqueConstraint("oparl_id", name=op.f("uq_council_consultation_oparl_id")),
    )
    with op.batch_alter_table("council_consultation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_consultation_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_council_consultation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_consultation_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_consultation_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "council_consultation_organization",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["council_consultation.id"],
            name=op.f("fk_council_consultation_organization_consultation_id_council_consultation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["council_organization.id"],
            name=op.f("fk_council_consultation_organization_organization_id_council_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "organization_id", name=op.f("pk_council_consultation_organization")
        ),
    )


def downgrade():
    op.drop_table("council_consultation_organization")
    with op.batch_alter_table("council_consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_consultation_paper_id"))
        batch_op.drop_index(batch_op.f("ix_council_consultation_modified"))
        batch_op.drop_index(batch_op.f("ix_council_consultation_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_council_consultation_agenda_item_id"))

    op.drop_table("council_consultation")
    op.drop_table("council_agenda_item_file")
    op.drop_table("council_paper_under_direction_of")
    op.drop_table("council_paper_subordinated")
    op.drop_table("council_paper_related")
    op.drop_table("council_paper_originator_person")
    op.drop_table("council_paper_originator_organization")
    op.drop_table("council_paper_location")
    op.drop_table("council_paper_file")
    op.drop_table("council_meeting_participant")
    op.drop_table("council_meeting_organization")
    op.drop_table("council_meeting_file")
    with op.batch_alter_table("council_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_agenda_item_modified"))
        batch_op.drop_index(batch_op.f("ix_council_agenda_item_meeting_id"))

    op.drop_table("council_agenda_item")
    with op.batch_alter_table("council_paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_paper_reference"))
        batch_op.drop_index(batch_op.f("ix_council_paper_modified"))
        batch_op.drop_index(batch_op.f("ix_council_paper_date"))
        batch_op.drop_index(batch_op.f("ix_council_paper_body_id"))

    op.drop_table("council_paper")
    with op.batch_alter_table("council_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_membership_person_id"))
        batch_op.drop_index(batch_op.f("ix_council_membership_organization_id"))
        batch_op.drop_index(batch_op.f("ix_council_membership_modified"))

    op.drop_table("council_membership")
    with op.batch_alter_table("council_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_council_meeting_start")
        batch_op.drop_index(batch_op.f("ix_council_meeting_modified"))
        batch_op.drop_index(batch_op.f("ix_council_meeting_body_id"))

    op.drop_table("council_meeting")
    with op.batch_alter_table("council_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_person_modified"))
        batch_op.drop_index(batch_op.f("ix_council_person_family_name"))
        batch_op.drop_index(batch_op.f("ix_council_person_body_id"))

    op.drop_table("council_person")
    with op.batch_alter_table("council_organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_organization_modified"))
        batch_op.drop_index(batch_op.f("ix_council_organization_body_id"))

    op.drop_table("council_organization")
    with op.batch_alter_table("council_legislative_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_legislative_term_modified"))
        batch_op.drop_index(batch_op.f("ix_council_legislative_term_body_id"))

    op.drop_table("council_legislative_term")
    with op.batch_alter_table("council_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_file_modified"))
        batch_op.drop_index(batch_op.f("ix_council_file_body_id"))

    op.drop_table("council_file")
    with op.batch_alter_table("council_body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_body_modified"))

    with op.batch_alter_table("council_location", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_council_location_body_id_council_body"), type_="foreignkey")
    op.drop_table("council_body")
    op.drop_table("council_system")
    with op.batch_alter_table("council_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_location_modified"))
        batch_op.drop_index(batch_op.f("ix_council_location_body_id"))

    op.drop_table("council_location")
