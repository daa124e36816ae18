"""Money in, out and growing: the bank rail (linked accounts, bank transfers, the
sandbox rail's own books), savings (each day's rate, each position's accrual) and FX
quotes; an exchange's transfer records what it bought.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bank_links",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("bank_name", sa.Text, nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("rail_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bank_transfers",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), sa.ForeignKey("transfers.id"), nullable=False, unique=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("rail_ref", sa.String(64), nullable=False, unique=True),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Index("ix_bank_transfers_account_pk", "account_id", "pk"),
    )
    op.create_table(
        "rail_accounts",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(17), nullable=False),
        sa.Column("routing", sa.String(9), nullable=False),
    )
    op.create_table(
        "rail_orders",
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("answer_at", sa.BigInteger, nullable=False),
        sa.Column("return_at", sa.BigInteger),
        sa.Column("told", sa.String(10), nullable=False),
        sa.Index("ix_rail_orders_due", "told", "answer_at"),
    )
    op.create_table(
        "savings_rates",
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("apy_bp", sa.Integer, nullable=False),
        sa.Column("rate_e18", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "savings_positions",
        sa.Column(
            "ledger_account_id",
            sa.String(36),
            sa.ForeignKey("ledger_accounts.id"),
            primary_key=True,
        ),
        sa.Column("owner_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("accrued_through", sa.Integer, nullable=False),
        sa.Column("accrued", sa.BigInteger, nullable=False),
        sa.Column("carry", sa.BigInteger, nullable=False),
        sa.Column("earned", sa.BigInteger, nullable=False),
        sa.Index("ix_savings_positions_month", "month"),
    )
    op.create_table(
        "fx_quotes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("sell_amount", sa.BigInteger, nullable=False),
        sa.Column("sell_currency", sa.String(3), nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("buy_amount", sa.BigInteger, nullable=False),
        sa.Column("buy_currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("transfer_id", sa.String(36)),
    )
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(sa.Column("received_amount", sa.BigInteger))
        batch.add_column(sa.Column("received_currency", sa.String(3)))


def downgrade() -> None:
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("received_currency")
        batch.drop_column("received_amount")
    for table in (
        "fx_quotes",
        "savings_positions",
        "savings_rates",
        "rail_orders",
        "rail_accounts",
        "bank_transfers",
        "bank_links",
    ):
        op.drop_table(table)
