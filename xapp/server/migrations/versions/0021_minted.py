"""Money that entered with no bank behind it is recorded as such (the demo seed, instant
deposits in tests), so the audit can flag any other deposit as money from nowhere.
Deposits made before this revision with no rail record are recorded as instant ones.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minted",
        sa.Column("transfer_id", sa.String(36), sa.ForeignKey("transfers.id"), primary_key=True),
        sa.Column("reason", sa.String(20), nullable=False),
    )
    op.execute(
        "INSERT INTO minted (transfer_id, reason) "
        "SELECT id, 'instant_deposit' FROM transfers WHERE kind = 'deposit' "
        "AND id NOT IN (SELECT id FROM bank_transfers)"
    )


def downgrade() -> None:
    op.drop_table("minted")
