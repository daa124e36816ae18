"""A notification's id is its own UUID instead of its row number, which counted every
notification the platform had sent. Older notifications get random ones.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("id", sa.String(36)))
    connection = op.get_bind()
    pks = connection.execute(sa.text("SELECT pk FROM notifications")).scalars().all()
    for pk in pks:
        connection.execute(
            sa.text("UPDATE notifications SET id = :id WHERE pk = :pk"),
            {"id": str(uuid.uuid4()), "pk": pk},
        )
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("id", existing_type=sa.String(36), nullable=False)
        batch.create_unique_constraint("uq_notifications_id", ["id"])


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("uq_notifications_id", type_="unique")
        batch.drop_column("id")
