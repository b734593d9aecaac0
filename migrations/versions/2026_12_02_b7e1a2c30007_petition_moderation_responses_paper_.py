"""petition moderation, responses, paper lists, fraud signals

Revision ID: b7e1a2c30007
Revises: b7e1a2c30006
Create Date: 2026-12-02 09:50:23.220419

"""
from alembic import op
import sqlalchemy as sa

import participation.core.models

# Existing petitions have announced no milestone yet: the new column starts at 0 for them.


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30007'
down_revision = 'b7e1a2c30006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('petition_paper_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('signatures', sa.Integer(), nullable=False),
    sa.Column('in_municipality', sa.Integer(), nullable=False),
    sa.Column('districts', sa.JSON(), nullable=True),
    sa.Column('file_key', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('collected_on', participation.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_paper_list_petition_id_petition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_petition_paper_list_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_paper_list'))
    )
    with op.batch_alter_table('petition_paper_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_paper_list_petition_id'), ['petition_id'], unique=False)

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held_until', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_at', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('response', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('response_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('answered_at', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('milestone_reached', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('anonymized_at', participation.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('geometry', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('min_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('min_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_lat', sa.Float(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_petition_held_by_id_user'), 'user', ['held_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('ip_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_domain', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('held_reason', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_petition_signature_domain', ['petition_id', 'email_domain'], unique=False)
        batch_op.create_index('ix_petition_signature_ip', ['petition_id', 'ip_hash'], unique=False)



def downgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_signature_ip')
        batch_op.drop_index('ix_petition_signature_domain')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('email_domain')
        batch_op.drop_column('ip_hash')
        batch_op.drop_column('district')

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_petition_held_by_id_user'), type_='foreignkey')
        batch_op.drop_column('max_lat')
        batch_op.drop_column('max_lon')
        batch_op.drop_column('min_lat')
        batch_op.drop_column('min_lon')
        batch_op.drop_column('geometry')
        batch_op.drop_column('anonymized_at')
        batch_op.drop_column('milestone_reached')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('response_url')
        batch_op.drop_column('response')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('held_until')
        batch_op.drop_column('held_by_id')

    with op.batch_alter_table('petition_paper_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_paper_list_petition_id'))

    op.drop_table('petition_paper_list')
