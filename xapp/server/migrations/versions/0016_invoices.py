"""Merchant invoices: issued by a business to a handle or as a link, paid once.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("merchant_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("payer_id", sa.String(36), sa.ForeignKey("accounts.id")),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("paid_by", sa.String(36), sa.ForeignKey("accounts.id")),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Index("ix_invoices_merchant_pk", "merchant_id", "pk"),
        sa.Index("ix_invoices_payer_pk", "payer_id", "pk"),
    )


def downgrade() -> None:
    op.drop_table("invoices")
