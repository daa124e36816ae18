"""Payments in depth: handle skeletons, payments PIN, two-phase and linked transfers,
requests and split bills, payment and bill cards in chats.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Frozen copy of the UTS #39 prototypes that apply to handle characters (see api/handles).
_PROTOTYPES = str.maketrans({"1": "l", "0": "O", "m": "rn"})


def _ref(name: str, target: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.String(36), sa.ForeignKey(target), **kw)


def _add(table: str, *columns: sa.Column[Any]) -> None:
    for column in columns:
        op.add_column(table, column)


def upgrade() -> None:
    _add(
        "accounts",
        sa.Column("handle_skeleton", sa.String(45)),
        sa.Column("pin_hash", sa.String(200)),
        sa.Column("pin_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pin_locked_until", sa.BigInteger, nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    seen: set[str] = set()
    for pk, handle in bind.execute(sa.text("SELECT pk, handle FROM accounts ORDER BY pk")):
        shape = unicodedata.normalize("NFD", handle.translate(_PROTOTYPES)).casefold()
        if shape not in seen:  # an older lookalike keeps its handle; it just isn't a model
            seen.add(shape)
            bind.execute(
                sa.text("UPDATE accounts SET handle_skeleton = :s WHERE pk = :pk"),
                {"s": shape, "pk": pk},
            )
    op.create_index("ix_accounts_skeleton", "accounts", ["handle_skeleton"], unique=True)

    _add(
        "messages",
        sa.Column("kind", sa.String(10), nullable=False, server_default="text"),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("bill_id", sa.String(36)),
    )
    _add(
        "transfers",
        sa.Column("release_at", sa.BigInteger),
        sa.Column("refunded", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("refund_of", sa.String(36)),
        sa.Column("request_id", sa.String(36)),
        sa.Column("post_id", sa.String(36)),
        sa.Column("conversation_id", sa.String(36)),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.execute("UPDATE transfers SET kind = 'payment' WHERE kind = 'transfer'")
    op.create_index("ix_transfers_pending", "transfers", ["status", "release_at"])
    op.create_index("ix_transfers_refund_of", "transfers", ["refund_of"])
    op.create_index("ix_transfers_post", "transfers", ["post_id"])

    op.create_table(
        "bills",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        _ref("requester_id", "accounts.id", nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("conversation_id", sa.String(36)),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "payment_requests",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        _ref("bill_id", "bills.id", nullable=False, index=True),
        _ref("requester_id", "accounts.id", nullable=False),
        _ref("payer_id", "accounts.id", nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("reminded_at", sa.BigInteger),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_requests_payer_pk", "payment_requests", ["payer_id", "pk"])
    op.create_index("ix_requests_requester_pk", "payment_requests", ["requester_id", "pk"])


def downgrade() -> None:
    op.drop_table("payment_requests")
    op.drop_table("bills")
    op.execute("UPDATE transfers SET kind = 'transfer' WHERE kind = 'payment'")
    for index in ("ix_transfers_pending", "ix_transfers_refund_of", "ix_transfers_post"):
        op.drop_index(index, "transfers")
    op.drop_index("ix_accounts_skeleton", "accounts")
    with op.batch_alter_table("transfers") as batch:
        for name in ("release_at", "refunded", "refund_of", "request_id", "post_id"):
            batch.drop_column(name)
        batch.drop_column("conversation_id")
        batch.drop_column("shared")
    with op.batch_alter_table("messages") as batch:
        for name in ("kind", "transfer_id", "bill_id"):
            batch.drop_column(name)
    with op.batch_alter_table("accounts") as batch:
        for name in ("handle_skeleton", "pin_hash", "pin_attempts", "pin_locked_until"):
            batch.drop_column(name)
