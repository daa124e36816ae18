"""Posts in depth: replies, quotes and reposts with counters, edits with their history,
tombstones, likes and bookmarks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTERS = ("reply_count", "like_count", "repost_count", "quote_count")


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("reply_to", sa.String(36)))
        batch.add_column(sa.Column("quote_of", sa.String(36)))
        batch.add_column(sa.Column("repost_of", sa.String(36)))
        for name in COUNTERS:
            batch.add_column(sa.Column(name, sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("edited_at", sa.BigInteger))
        batch.add_column(sa.Column("deleted_at", sa.BigInteger))
    op.create_index("ix_posts_reply_to_pk", "posts", ["reply_to", "pk"])
    # One repost per person per post; NULLs (every ordinary post) don't collide.
    op.create_index("ux_posts_repost", "posts", ["author_id", "repost_of"], unique=True)
    op.create_table(
        "likes",
        sa.Column("post_id", sa.String(36), sa.ForeignKey("posts.id"), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bookmarks",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("post_id", sa.String(36), sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("account_id", "post_id", name="uq_bookmarks_account_post"),
    )
    op.create_index("ix_bookmarks_account_pk", "bookmarks", ["account_id", "pk"])
    op.create_table(
        "post_edits",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.String(36), sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_post_edits_post_pk", "post_edits", ["post_id", "pk"])


def downgrade() -> None:
    op.drop_table("post_edits")
    op.drop_table("bookmarks")
    op.drop_table("likes")
    op.drop_index("ux_posts_repost", "posts")
    op.drop_index("ix_posts_reply_to_pk", "posts")
    with op.batch_alter_table("posts") as batch:
        for name in ("reply_to", "quote_of", "repost_of", *COUNTERS, "edited_at", "deleted_at"):
            batch.drop_column(name)
