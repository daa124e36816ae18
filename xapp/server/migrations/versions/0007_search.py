"""Search: a full-text index of post texts (SQLite FTS5, kept in step by triggers).

On PostgreSQL this revision does nothing yet: `search.py` falls back to a scan there
until a tsvector index takes the place of this one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE = [
    # External content: the index holds only the words; the text stays in posts.
    "CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', content_rowid='pk')",
    "INSERT INTO posts_fts (rowid, text) SELECT pk, text FROM posts",
    "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO posts_fts (rowid, text) VALUES (new.pk, new.text); END",
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.pk, old.text); END",
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN "
    "INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.pk, old.text); "
    "INSERT INTO posts_fts (rowid, text) VALUES (new.pk, new.text); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("posts_fts_insert", "posts_fts_delete", "posts_fts_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE posts_fts")
