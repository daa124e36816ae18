"""Accounts, tokens, follows, posts, conversations, ledger, idempotency keys, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.String(36), nullable=False, unique=True)


def _ref(name: str, target: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.String(36), sa.ForeignKey(target), **kw)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _id(),
        sa.Column("handle", sa.String(15), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        _ref("account_id", "accounts.id", nullable=False, index=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "follows",
        _ref("follower_id", "accounts.id", primary_key=True),
        _ref("followee_id", "accounts.id", primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_follows_followee", "follows", ["followee_id"])
    op.create_table(
        "posts",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _id(),
        _ref("author_id", "accounts.id", nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_posts_author_pk", "posts", ["author_id", "pk"])
    op.create_table(
        "conversations",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _id(),
        sa.Column("pair_key", sa.String(80), unique=True),
        sa.Column("activity", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "conversation_members",
        _ref("conversation_id", "conversations.id", primary_key=True),
        _ref("account_id", "accounts.id", primary_key=True),
        sa.Column("joined_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_members_account", "conversation_members", ["account_id"])
    op.create_table(
        "messages",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _id(),
        _ref("conversation_id", "conversations.id", nullable=False),
        _ref("sender_id", "accounts.id", nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_messages_conversation_pk", "messages", ["conversation_id", "pk"])
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        _ref("owner_id", "accounts.id"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("allow_negative", sa.Boolean, nullable=False),
        sa.CheckConstraint("allow_negative OR balance >= 0", name="no_overdraft"),
    )
    op.create_table(
        "transfers",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ref("debit_account_id", "ledger_accounts.id", nullable=False),
        _ref("credit_account_id", "ledger_accounts.id", nullable=False),
        _ref("sender_id", "accounts.id"),
        _ref("recipient_id", "accounts.id", nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.CheckConstraint("amount > 0", name="positive_amount"),
    )
    op.create_index("ix_transfers_sender_pk", "transfers", ["sender_id", "pk"])
    op.create_index("ix_transfers_recipient_pk", "transfers", ["recipient_id", "pk"])
    op.create_table(
        "postings",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        _ref("transfer_id", "transfers.id", nullable=False, index=True),
        _ref("ledger_account_id", "ledger_accounts.id", nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    )
    op.create_index("ix_postings_account", "postings", ["ledger_account_id"])
    op.create_table(
        "idempotency_keys",
        _ref("account_id", "accounts.id", primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "events",
        _ref("account_id", "accounts.id", primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "events",
        "idempotency_keys",
        "postings",
        "transfers",
        "ledger_accounts",
        "messages",
        "conversation_members",
        "conversations",
        "posts",
        "follows",
        "tokens",
        "accounts",
    ):
        op.drop_table(table)
