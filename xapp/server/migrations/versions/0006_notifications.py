"""Notifications: mentions, replies, quotes, likes, reposts and new followers, and how
far each account has seen them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("post_id", sa.String(36)),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_notifications_account_pk", "notifications", ["account_id", "pk"])
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("notifications_seen", sa.BigInteger, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("notifications_seen")
    op.drop_table("notifications")
