"""Verification, tiers and their limits, regions and what each offers, and what each
account has sent per day and month (the limits' counters).

Tiers and regions are data: the rows written here are where a new server starts, and an
operator changes them in the database, not in code.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TIERS = [
    # name, daily send, monthly send (US cents), withdrawals
    ("unverified", 250_000, 1_000_000, False),
    ("verified", 1_000_000, 5_000_000, True),
    ("business", 10_000_000, 100_000_000, True),
]
REGIONS = [
    # code, name, payments, savings, withdrawals, fx
    ("US", "United States", True, True, True, True),
    ("GB", "United Kingdom", True, True, True, True),
    ("DE", "Germany", True, True, True, True),
    ("FR", "France", True, True, True, True),
    ("JP", "Japan", True, False, True, True),
    ("KW", "Kuwait", True, False, True, False),
    ("CA", "Canada", True, True, False, True),
]


def upgrade() -> None:
    tiers = op.create_table(
        "tiers",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("daily_send", sa.BigInteger, nullable=False),
        sa.Column("monthly_send", sa.BigInteger, nullable=False),
        sa.Column("withdrawals", sa.Boolean, nullable=False),
    )
    regions = op.create_table(
        "regions",
        sa.Column("code", sa.String(2), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("payments", sa.Boolean, nullable=False),
        sa.Column("savings", sa.Boolean, nullable=False),
        sa.Column("withdrawals", sa.Boolean, nullable=False),
        sa.Column("fx", sa.Boolean, nullable=False),
    )
    op.bulk_insert(
        tiers,
        [{"name": n, "daily_send": d, "monthly_send": m, "withdrawals": w} for n, d, m, w in TIERS],
    )
    op.bulk_insert(
        regions,
        [
            {"code": c, "name": n, "payments": p, "savings": s, "withdrawals": w, "fx": f}
            for c, n, p, s, w, f in REGIONS
        ],
    )
    op.create_table(
        "verifications",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("submitted_at", sa.BigInteger, nullable=False),
        sa.Column("decide_at", sa.BigInteger, nullable=False),
        sa.Column("decided_at", sa.BigInteger),
        sa.Index("ix_verifications_pending", "status", "decide_at"),
    )
    op.create_table(
        "send_totals",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("period", sa.String(12), primary_key=True),
        sa.Column("sent", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("send_totals", "verifications", "regions", "tiers"):
        op.drop_table(table)
