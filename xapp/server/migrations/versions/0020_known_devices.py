"""Known devices: a device that signed in with the right password is remembered (by the
hash of a secret it keeps), so guesses from elsewhere cannot lock its owner out.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_devices",
        sa.Column("device_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Index("ix_known_devices_account_id", "account_id"),
    )


def downgrade() -> None:
    op.drop_table("known_devices")
