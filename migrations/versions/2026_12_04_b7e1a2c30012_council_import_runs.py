"""council import runs: each OParl import staff started on the staff pages (a background
job), with its state, figures and warnings

Revision ID: b7e1a2c30012
Revises: b7e1a2c30011
Create Date: 2026-12-04 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import participation.core.models

# Only the history of imports started from the staff pages: downgrading drops it, and nothing
# else depends on it (the importer's own state is council_import_state).

revision = "b7e1a2c30012"
down_revision = "b7e1a2c30011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", participation.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", participation.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("objects", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed_lists", sa.JSON(), nullable=False),
        sa.Column("bodies", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_council_import_run_requested_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_import_run")),
    )
    with op.batch_alter_table("council_import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_import_run_requested_by_id"), ["requested_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_import_run_requested_at"), ["requested_at"], unique=False)


def downgrade():
    with op.batch_alter_table("council_import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_import_run_requested_at"))
        batch_op.drop_index(batch_op.f("ix_council_import_run_requested_by_id"))

    op.drop_table("council_import_run")
