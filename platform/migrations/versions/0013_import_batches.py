"""Large imports are stored in batches, hidden until the last one: need and offer carry the
batch id of an import still being stored (empty for every visible entry).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("need", "offer")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("import_batch", sa.String(length=36), nullable=True))
        op.create_index(op.f(f"ix_{table}_import_batch"), table, ["import_batch"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_import_batch"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("import_batch")
