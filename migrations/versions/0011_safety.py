"""safety: moderators' decisions about automatic safety flags, kept to teach the detector

Revision ID: 0011_safety
Revises: 0010_sessions_outbox
Create Date: 2026-12-01 22:50:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0011_safety'
down_revision = '0010_sessions_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safety_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kinds', sa.String(length=64), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_safety_decisions_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['moderation_cases.id'], name=op.f('fk_safety_decisions_case_id_moderation_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_safety_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_decisions'))
    )
    with op.batch_alter_table('safety_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_decisions_author_id'), ['author_id'], unique=False)


def downgrade():
    with op.batch_alter_table('safety_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_decisions_author_id'))
    op.drop_table('safety_decisions')
