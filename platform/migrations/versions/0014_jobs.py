"""Periodic and deferred jobs: one row per job with its next due time (the claim that keeps two
instances from running it at once) and its last run's outcome.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:10:00
"""

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scheduled_job",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("due_at", MOMENT, nullable=True),
        sa.Column("last_started_at", MOMENT, nullable=True),
        sa.Column("last_finished_at", MOMENT, nullable=True),
        sa.Column(
            "last_outcome",
            sa.Enum("ok", "failed", name="outcome", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_job")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_job")
