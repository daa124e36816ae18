"""Money rules: a person's own automations (a sweep from savings, a monthly payment, a
tip on every post liked from someone), each action claimed once; likes are indexed by
who liked when (a tip rule's dry run reads them).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "money_rules",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("owner_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("threshold", sa.BigInteger),
        sa.Column("counterparty_id", sa.String(36), sa.ForeignKey("accounts.id")),
        sa.Column("day_of_month", sa.Integer),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("armed", sa.Boolean, nullable=False),
        sa.Column("schedule_id", sa.String(36), sa.ForeignKey("schedules.id")),
        sa.Column("acted", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Index("ix_money_rules_owner_pk", "owner_id", "pk"),
        sa.Index("ix_money_rules_kind_status", "kind", "status"),
    )
    op.create_table(
        "money_rule_runs",
        sa.Column("rule_id", sa.String(36), sa.ForeignKey("money_rules.id"), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Index("ix_money_rule_runs_status", "status"),
    )
    # A tip rule's dry run reads what I liked, and when.
    op.create_index("ix_likes_account_at", "likes", ["account_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_likes_account_at", "likes")
    op.drop_table("money_rule_runs")
    op.drop_table("money_rules")
