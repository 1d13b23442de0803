"""outcomes: opt-in wellbeing check-ins

Revision ID: 0015_outcomes
Revises: 0014_today_help
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types)


revision = '0015_outcomes'
down_revision = '0014_today_help'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkins_chosen_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lonely', sa.Integer(), nullable=True),
    sa.Column('lack_companionship', sa.Integer(), nullable=True),
    sa.Column('left_out', sa.Integer(), nullable=True),
    sa.Column('isolated', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checkins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_finished_at'), ['finished_at'], unique=False)
        batch_op.create_index('ix_checkins_user_id_started_at', ['user_id', 'started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_user_id_started_at')
        batch_op.drop_index(batch_op.f('ix_checkins_finished_at'))
    op.drop_table('checkins')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('checkins_chosen_at')
