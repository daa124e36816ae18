"""Home timelines written on post (fan-out on write), filled from existing follows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timeline_entries",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("post_pk", sa.BigInteger, primary_key=True),
        sa.Column("author_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_timeline_entries_author", "timeline_entries", ["account_id", "author_id"])
    op.execute(
        "INSERT INTO timeline_entries (account_id, post_pk, author_id) "
        "SELECT author_id, pk, author_id FROM posts"
    )
    op.execute(
        "INSERT INTO timeline_entries (account_id, post_pk, author_id) "
        "SELECT follows.follower_id, posts.pk, posts.author_id "
        "FROM posts JOIN follows ON follows.followee_id = posts.author_id"
    )


def downgrade() -> None:
    op.drop_table("timeline_entries")
