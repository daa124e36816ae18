"""Search on PostgreSQL: a GIN index over each post's words (its own text search), the
seat FTS5 holds on SQLite. The 'simple' configuration, like FTS5's tokenizer, folds case
and keeps every word as written (no stemming, no stop words), so both stores find the
same posts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_posts_words ON posts USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_posts_words")
