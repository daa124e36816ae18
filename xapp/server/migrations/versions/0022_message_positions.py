"""A message's position counts within its conversation (1, 2, 3, …) instead of being the
global row number, which told every member how many messages the whole platform carried
between two of theirs. Members' delivered and read positions are renumbered the same way.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "conversations",
        sa.Column("last_position", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.add_column(
        "messages", sa.Column("position", sa.BigInteger, nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE messages SET position = (SELECT count(*) FROM messages m "
        "WHERE m.conversation_id = messages.conversation_id AND m.pk <= messages.pk)"
    )
    op.execute(
        "UPDATE conversations SET last_position = (SELECT coalesce(max(position), 0) "
        "FROM messages WHERE messages.conversation_id = conversations.id)"
    )
    for old, new in (("delivered_pk", "delivered_position"), ("read_pk", "read_position")):
        op.execute(
            f"UPDATE conversation_members SET {old} = (SELECT count(*) FROM messages m "
            f"WHERE m.conversation_id = conversation_members.conversation_id "
            f"AND m.pk <= conversation_members.{old})"
        )
        op.execute(f"ALTER TABLE conversation_members RENAME COLUMN {old} TO {new}")
    op.create_index(
        "ix_messages_conversation_position",
        "messages",
        ["conversation_id", "position"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_messages_conversation_position", "messages")
    for old, new in (("delivered_pk", "delivered_position"), ("read_pk", "read_position")):
        op.execute(f"ALTER TABLE conversation_members RENAME COLUMN {new} TO {old}")
        op.execute(
            f"UPDATE conversation_members SET {old} = coalesce((SELECT pk FROM messages m "
            f"WHERE m.conversation_id = conversation_members.conversation_id "
            f"AND m.position = conversation_members.{old}), 0)"
        )
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("last_position")
