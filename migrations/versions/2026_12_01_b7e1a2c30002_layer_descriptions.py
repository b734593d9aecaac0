"""layer descriptions: a text alternative for image layers

Revision ID: b7e1a2c30002
Revises: b7e1a2c30001
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30002'
down_revision = 'b7e1a2c30001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('map_layer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.String(length=1000), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('map_layer', schema=None) as batch_op:
        batch_op.drop_column('description')
