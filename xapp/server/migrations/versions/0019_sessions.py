"""Sessions say what signed in and from where, so a person can list and revoke them.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("label", sa.Text))
        batch.add_column(sa.Column("address", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("address")
        batch.drop_column("label")
