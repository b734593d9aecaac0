"""feedback handling: staff mark accessibility feedback as handled, with a note

Revision ID: b7e1a2c30005
Revises: b7e1a2c30003
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30005'
down_revision = 'b7e1a2c30003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accessibility_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_at', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('handling_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_accessibility_feedback_handled_by_id_user'), 'user', ['handled_by_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('accessibility_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accessibility_feedback_handled_by_id_user'), type_='foreignkey')
        batch_op.drop_column('handling_note')
        batch_op.drop_column('handled_by_id')
        batch_op.drop_column('handled_at')
