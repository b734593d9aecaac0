"""council import state: per imported body, its source and the time it is in sync up to

Revision ID: b7e1a2c30010
Revises: b7e1a2c30009
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa

import participation.core.models

# Only bookkeeping of the OParl importer: downgrading drops it, and the next import then walks
# every list in full once (it changes nothing that is already in sync).

revision = "b7e1a2c30010"
down_revision = "b7e1a2c30009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_import_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("synced_at", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_complete", sa.Boolean(), nullable=False),
        sa.Column("created_at", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["council_body.id"],
            name=op.f("fk_council_import_state_body_id_council_body"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_import_state")),
        sa.UniqueConstraint("body_id", name=op.f("uq_council_import_state_body_id")),
    )


def downgrade():
    op.drop_table("council_import_state")
