"""chat delivery: each room numbers its messages 1, 2, 3 ... so screens can see what they missed

Revision ID: 0012_chat_delivery
Revises: 0011_safety
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_chat_delivery'
down_revision = '0011_safety'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chat_rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_message_seq', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_seq', sa.Integer(), nullable=True))
    # Number the messages already stored, in the order they were written.
    op.execute(
        "UPDATE chat_messages SET room_seq = (SELECT COUNT(*) FROM chat_messages AS earlier "
        "WHERE earlier.room_id = chat_messages.room_id AND earlier.id <= chat_messages.id)"
    )
    op.execute(
        "UPDATE chat_rooms SET last_message_seq = COALESCE((SELECT MAX(room_seq) FROM chat_messages "
        "WHERE chat_messages.room_id = chat_rooms.id), 0)"
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_chat_messages_room_seq'), ['room_id', 'room_seq'])


def downgrade():
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_chat_messages_room_seq'), type_='unique')
        batch_op.drop_column('room_seq')
    with op.batch_alter_table('chat_rooms', schema=None) as batch_op:
        batch_op.drop_column('last_message_seq')
