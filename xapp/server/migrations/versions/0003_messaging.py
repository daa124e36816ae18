"""Messaging in depth: group names and roles, read and delivered positions, replies,
edits, tombstones, reactions, the read-receipt preference, outbox keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "accounts", sa.Column("read_receipts", sa.Boolean, nullable=False, server_default=sa.true())
    )
    op.add_column("conversations", sa.Column("name", sa.Text))
    op.add_column(
        "conversations",
        sa.Column("is_group", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("conversations", sa.Column("created_by", sa.String(36)))
    # Existing conversations of more than two are groups, made by their first member.
    op.execute(
        "UPDATE conversations SET is_group = (pair_key IS NULL), created_by = ("
        "SELECT account_id FROM conversation_members m "
        "WHERE m.conversation_id = conversations.id ORDER BY joined_at LIMIT 1)"
    )
    op.add_column(
        "conversation_members",
        sa.Column("role", sa.String(10), nullable=False, server_default="member"),
    )
    op.add_column(
        "conversation_members",
        sa.Column("delivered_pk", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.add_column(
        "conversation_members",
        sa.Column("read_pk", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE conversation_members SET role = 'admin' WHERE account_id = ("
        "SELECT created_by FROM conversations c WHERE c.id = conversation_members.conversation_id)"
    )
    # What existed before is delivered and read: no one starts with a wall of unread.
    op.execute(
        "UPDATE conversation_members SET delivered_pk = ("
        "SELECT coalesce(max(pk), 0) FROM messages m "
        "WHERE m.conversation_id = conversation_members.conversation_id), read_pk = ("
        "SELECT coalesce(max(pk), 0) FROM messages m "
        "WHERE m.conversation_id = conversation_members.conversation_id)"
    )
    op.add_column("messages", sa.Column("reply_to", sa.String(36)))
    op.add_column("messages", sa.Column("edited_at", sa.BigInteger))
    op.add_column("messages", sa.Column("deleted_at", sa.BigInteger))
    op.add_column("messages", sa.Column("client_key", sa.String(255)))
    op.create_table(
        "reactions",
        sa.Column("message_id", sa.String(36), sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("emoji", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reactions")
    with op.batch_alter_table("messages") as batch:
        for name in ("reply_to", "edited_at", "deleted_at", "client_key"):
            batch.drop_column(name)
    with op.batch_alter_table("conversation_members") as batch:
        for name in ("role", "delivered_pk", "read_pk"):
            batch.drop_column(name)
    with op.batch_alter_table("conversations") as batch:
        for name in ("name", "is_group", "created_by"):
            batch.drop_column(name)
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("read_receipts")
