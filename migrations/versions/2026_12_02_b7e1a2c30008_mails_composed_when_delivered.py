"""mails composed when delivered: composer and params on outgoing_mail, message optional

Revision ID: b7e1a2c30008
Revises: b7e1a2c30007
Create Date: 2026-12-02 19:50:00

"""
from alembic import op
import sqlalchemy as sa

# Mails queued before this revision all have their message: they keep it, composer stays NULL.
# Downgrading writes nothing for mails still waiting to be composed; they are dropped (their
# text cannot exist without the composer), which only happens on a developer's machine.

revision = 'b7e1a2c30008'
down_revision = 'b7e1a2c30007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('composer', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.alter_column('message', existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute("DELETE FROM outgoing_mail WHERE message IS NULL")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('message', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('params')
        batch_op.drop_column('composer')
