"""account sessions: server-side sign-ins replace the per-user login token

Revision ID: b7e1a2c30001
Revises: 3281e59496ff
Create Date: 2026-12-01 09:00:00.000000

Every signed-in browser becomes one account_session row (Flask-Login's cookies carry its
token, the row only a hash), so signing out ends that session on the server. user.login_token,
which every browser of an account shared, is dropped. Existing sign-ins end with the upgrade.

Display names may no longer hold control or direction characters (which reorder the text
after them on a page); names stored before, and their copies in notifications, lose them.
"""
import re
import secrets

from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30001'
down_revision = '3281e59496ff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', participation.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_session_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_session_token_hash'))
    )
    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_login_token'), type_='unique')
        batch_op.drop_column('login_token')

    _strip_unsafe_characters('user', 'display_name')
    _strip_unsafe_characters('notification', 'actor_name')


# C0 and C1 controls and the direction controls (a frozen copy: migrations must not change
# with the application code).
UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]')


def _strip_unsafe_characters(table_name, column_name):
    connection = op.get_bind()
    table = sa.table(table_name, sa.column('id', sa.Integer()), sa.column(column_name, sa.String()))
    column = table.c[column_name]
    for row_id, value in connection.execute(sa.select(table.c.id, column).where(column.is_not(None))).all():
        clean = UNSAFE.sub('', value).strip()
        if clean != value:
            connection.execute(table.update().where(table.c.id == row_id).values({column_name: clean}))


def downgrade():
    # The old column needs a distinct random token per account before it can be NOT NULL.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_token', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer()), sa.column('login_token', sa.String()))
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update().where(user.c.id == user_id).values(login_token=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('login_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_login_token'), ['login_token'])

    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_session_user_id'))

    op.drop_table('account_session')
