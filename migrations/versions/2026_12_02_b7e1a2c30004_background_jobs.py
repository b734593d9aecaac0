"""background jobs: notifications remember their event, queued mails their delivery claim

Revision ID: b7e1a2c30004
Revises: b7e1a2c30005
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30004'
down_revision = 'b7e1a2c30005'  # the head when this was written (ids are not in order)
branch_labels = None
depends_on = None


def upgrade():
    # Earlier notifications have no event id; NULLs never clash in a unique constraint.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_notification_user_id'), ['user_id', 'event_id'])

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('claimed_at', participation.core.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_notification_user_id'), type_='unique')
        batch_op.drop_column('event_id')
