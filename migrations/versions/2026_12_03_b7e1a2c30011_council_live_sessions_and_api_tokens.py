"""council live sessions and API tokens: the session's state, ticker and votes per meeting;
personal API tokens (hashed) for the chamber's systems

Revision ID: b7e1a2c30011
Revises: b7e1a2c30010
Create Date: 2026-12-03 08:43:23.772403

"""
from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30011'
down_revision = 'b7e1a2c30010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', participation.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', participation.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('council_live_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('stream_url', sa.String(length=1000), nullable=True),
    sa.Column('recording_url', sa.String(length=1000), nullable=True),
    sa.Column('current_item_id', sa.Integer(), nullable=True),
    sa.Column('started_at', participation.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', participation.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['current_item_id'], ['council_agenda_item.id'], name=op.f('fk_council_live_session_current_item_id_council_agenda_item')),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meeting.id'], name=op.f('fk_council_live_session_meeting_id_council_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_live_session')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_council_live_session_meeting_id'))
    )
    op.create_table('council_vote_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstention', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('by_group', sa.JSON(), nullable=False),
    sa.Column('recorded_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['council_agenda_item.id'], name=op.f('fk_council_vote_result_agenda_item_id_council_agenda_item')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_council_vote_result_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_vote_result')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_council_vote_result_agenda_item_id'))
    )
    op.create_table('council_ticker_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['council_agenda_item.id'], name=op.f('fk_council_ticker_entry_agenda_item_id_council_agenda_item')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_council_ticker_entry_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['council_live_session.id'], name=op.f('fk_council_ticker_entry_session_id_council_live_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_ticker_entry'))
    )
    with op.batch_alter_table('council_ticker_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_ticker_entry_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_ticker_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_ticker_entry_session_id'))

    op.drop_table('council_ticker_entry')
    op.drop_table('council_vote_result')
    op.drop_table('council_live_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
