"""ideas: a spatial index (PostGIS GiST / SQLite R*Tree) and the cluster pyramid

Revision ID: b7e1a2c30015
Revises: b7e1a2c30014
Create Date: 2026-12-07 01:30:00

The band indexes on min_lon (ix_idea_bbox, ix_idea_span and the span column they needed) give
way to a real spatial index. On PostgreSQL this needs PostGIS (the package of the server's
version, e.g. postgresql-15-postgis-3; README, Production) and a role that may create the
extension. The pyramid is counted here for the ideas already there.
"""
from alembic import op
import sqlalchemy as sa

from participation.consultations import clusters, spatial

revision = 'b7e1a2c30015'
down_revision = 'b7e1a2c30014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_cluster_cell',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('x', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('y', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('sum_x', sa.Float(), nullable=False),
    sa.Column('sum_y', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_idea_cluster_cell_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'level', 'x', 'y', name=op.f('pk_idea_cluster_cell'))
    )
    op.drop_index('ix_idea_bbox', table_name='idea')
    op.drop_index('ix_idea_span', table_name='idea')
    op.drop_column('idea', 'span')
    op.create_index('ix_idea_consultation_visibility', 'idea', ['consultation_id', 'visibility', 'id'], unique=False)
    connection = op.get_bind()
    spatial.create(connection)
    consultations = connection.execute(sa.text("SELECT id, map_mode FROM consultation")).all()
    for consultation_id, map_mode in consultations:
        base = clusters.PLAN_BASE if map_mode == 'plan' else clusters.GEOGRAPHIC_BASE
        clusters.rebuild_on(connection, consultation_id, base)


def downgrade():
    connection = op.get_bind()
    spatial.drop(connection)
    op.drop_index('ix_idea_consultation_visibility', table_name='idea')
    op.add_column('idea', sa.Column('span', sa.Float(), nullable=True))
    larger = 'GREATEST' if connection.dialect.name == 'postgresql' else 'max'
    op.execute(f"UPDATE idea SET span = {larger}(max_lon - min_lon, max_lat - min_lat) WHERE min_lon IS NOT NULL")
    op.create_index('ix_idea_span', 'idea', ['consultation_id', 'visibility', 'span'], unique=False)
    op.create_index('ix_idea_bbox', 'idea', ['consultation_id', 'visibility', 'min_lon', 'max_lon', 'min_lat', 'max_lat', 'span'], unique=False)
    op.drop_table('idea_cluster_cell')
