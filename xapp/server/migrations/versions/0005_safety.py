"""Safety: blocks and mutes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, who, whom in (
        ("blocks", "blocker_id", "blocked_id"),
        ("mutes", "muter_id", "muted_id"),
    ):
        op.create_table(
            table,
            sa.Column(who, sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
            sa.Column(whom, sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
            sa.Column("created_at", sa.BigInteger, nullable=False),
        )
    op.create_index("ix_blocks_blocked", "blocks", ["blocked_id"])


def downgrade() -> None:
    op.drop_table("mutes")
    op.drop_table("blocks")
