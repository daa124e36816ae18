"""Compliance review: monitoring rules as data, transfers held for review, frozen
accounts, and the operators' append-only, hash-chained log.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

RULES = [
    # code, what it looks for, its numbers (US cents, hours, days, counts)
    (
        "structuring",
        "three or more payments in 24 h each just under the reporting line",
        '{"line": 100000, "band": 10000, "hours": 24, "count": 3}',
    ),
    (
        "rapid_in_out",
        "a new account sending on most of what it received within a day",
        '{"account_days": 7, "hours": 24, "share": 0.8, "min": 50000}',
    ),
    (
        "many_payers",
        "many payers to one new account within a day",
        '{"account_days": 7, "hours": 24, "payers": 5, "min": 100000}',
    ),
    ("sanctions", "a payee whose name is on the sanctions list", "{}"),
]


def upgrade() -> None:
    rules = op.create_table(
        "monitoring_rules",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
    )
    op.bulk_insert(
        rules, [{"code": c, "description": d, "params": p, "enabled": True} for c, d, p in RULES]
    )
    op.create_table(
        "reviews",
        sa.Column("transfer_id", sa.String(36), sa.ForeignKey("transfers.id"), primary_key=True),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("operator", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("decided_at", sa.BigInteger),
        sa.Index("ix_reviews_status", "status"),
    )
    op.create_table(
        "operator_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "frozen_accounts",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("frozen_accounts", "operator_log", "reviews", "monitoring_rules"):
        op.drop_table(table)
