"""Creator payouts: each month's pool, what it carried, and which posts earned what.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "creator_months",
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("pool", sa.BigInteger, nullable=False),
        sa.Column("carried_in", sa.BigInteger, nullable=False),
        sa.Column("paid", sa.BigInteger, nullable=False),
        sa.Column("carried_out", sa.BigInteger, nullable=False),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "creator_payout_posts",
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.String(36), primary_key=True),
        sa.Column("creator_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("transfer_id", sa.String(36), nullable=False),
        sa.Index("ix_creator_payout_posts_creator", "creator_id", "month"),
    )


def downgrade() -> None:
    op.drop_table("creator_payout_posts")
    op.drop_table("creator_months")
