"""audit log: one append-only audit_entry table replaces role_change

Revision ID: b7e1a2c30003
Revises: b7e1a2c30002
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import participation.core.models


# revision identifiers, used by Alembic.
revision = 'b7e1a2c30003'
down_revision = 'b7e1a2c30002'
branch_labels = None
depends_on = None

UTC_DATETIME = participation.core.models.UTCDateTime(timezone=True)

# A frozen copy of the statements in participation/core/audit.py.
CREATE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP; END; "
    "$$ LANGUAGE plpgsql"
)
CREATE_TRIGGER = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)

role_change = sa.table(
    'role_change',
    sa.column('id', sa.Integer()),
    sa.column('user_id', sa.Integer()),
    sa.column('changed_by_id', sa.Integer()),
    sa.column('old_role', sa.String()),
    sa.column('new_role', sa.String()),
    sa.column('created_at', UTC_DATETIME),
)
audit_entry = sa.table(
    'audit_entry',
    sa.column('id', sa.Integer()),
    sa.column('created_at', UTC_DATETIME),
    sa.column('actor_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('object_type', sa.String()),
    sa.column('object_id', sa.Integer()),
    sa.column('before', sa.JSON()),
    sa.column('after', sa.JSON()),
)


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_entry_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)

    connection = op.get_bind()
    rows = connection.execute(sa.select(role_change).order_by(role_change.c.id)).all()
    if rows:
        op.bulk_insert(audit_entry, [
            {
                'created_at': row.created_at,
                'actor_id': row.changed_by_id,
                'action': 'role.changed',
                'object_type': 'user',
                'object_id': row.user_id,
                'before': {'role': row.old_role},
                'after': {'role': row.new_role},
            }
            for row in rows
        ])

    with op.batch_alter_table('role_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_change_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_change_created_at'))
    op.drop_table('role_change')

    if connection.dialect.name == 'postgresql':
        op.execute(CREATE_FUNCTION)
        op.execute(CREATE_TRIGGER)


def downgrade():
    connection = op.get_bind()
    op.create_table('role_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('old_role', sa.String(length=20), nullable=False),
    sa.Column('new_role', sa.String(length=20), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_role_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_role_change_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_change'))
    )
    with op.batch_alter_table('role_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_change_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_change_user_id'), ['user_id'], unique=False)

    rows = connection.execute(
        sa.select(audit_entry)
        .where(audit_entry.c.action == 'role.changed', audit_entry.c.object_type == 'user')
        .order_by(audit_entry.c.id)
    ).all()
    restored = [
        {
            'user_id': row.object_id,
            'changed_by_id': row.actor_id,
            'old_role': (row.before or {}).get('role', ''),
            'new_role': (row.after or {}).get('role', ''),
            'created_at': row.created_at,
        }
        for row in rows
        if row.object_id is not None
    ]
    if restored:
        op.bulk_insert(role_change, restored)

    # Dropping the table drops its trigger; DROP TABLE is no DELETE, so the trigger allows it.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))
        batch_op.drop_index('ix_audit_entry_object')
    op.drop_table('audit_entry')
    if connection.dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_entry_append_only()')
