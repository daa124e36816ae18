"""Scheduled and recurring payments, and each run claimed once; notifications get room
for longer kinds and a sentence (a scheduled payment that failed says why).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("payer_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("payee_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("cadence", sa.String(10), nullable=False),
        sa.Column("day_of_month", sa.Integer),
        sa.Column("next_run", sa.Integer),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Index("ix_schedules_payer_pk", "payer_id", "pk"),
        sa.Index("ix_schedules_due", "status", "next_run"),
    )
    op.create_table(
        "schedule_runs",
        sa.Column("schedule_id", sa.String(36), sa.ForeignKey("schedules.id"), primary_key=True),
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("transfer_id", sa.String(36)),
        sa.Column("error", sa.Text),
        sa.Column("ran_at", sa.BigInteger, nullable=False),
    )

    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("kind", type_=sa.String(30), existing_type=sa.String(10))
        batch.add_column(sa.Column("detail", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("detail")
        batch.alter_column("kind", type_=sa.String(10), existing_type=sa.String(30))
    op.drop_table("schedule_runs")
    op.drop_table("schedules")
