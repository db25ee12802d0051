"""Signing-event plans run in the background: one row per request with its state, progress
and result.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 23:10:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        name, advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "plan_run",
        sa.Column("id", GUID, nullable=False),
        sa.Column("event_id", GUID, nullable=False),
        sa.Column("requested_by_id", GUID, nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="planrunstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        _moment("requested_at", nullable=False),
        _moment("started_at"),
        _moment("progressed_at"),
        _moment("finished_at"),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["signing_event.id"],
            name=op.f("fk_plan_run_event_id_signing_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_run_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_run")),
    )
    op.create_index("ix_plan_run_event_state", "plan_run", ["event_id", "state"])
    op.create_index(op.f("ix_plan_run_state"), "plan_run", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_run_state"), table_name="plan_run")
    op.drop_index("ix_plan_run_event_state", table_name="plan_run")
    op.drop_table("plan_run")
