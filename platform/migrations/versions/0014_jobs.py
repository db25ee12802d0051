"""Periodic and deferred jobs: one row per job with its next due time (the claim that keeps two
instances from running it at once) and its last run's outcome. The photos of needs move into the
content store, named by the digest their rows already keep (the orphan sweep, one of the jobs,
keeps that store clean).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:10:00
"""

import shutil
from collections.abc import Sequence
from pathlib import Path

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from core.settings import get_settings

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def _photo_places() -> list[tuple[Path, Path]]:
    """Each photo's file before (``uploads/needs/<need>/<photo>.<ext>``) and after
    (``uploads/files/<ab>/<digest>``)."""
    uploads = get_settings().var_dir / "uploads"
    guid = advanced_alchemy.types.guid.GUID(length=16)
    photos = sa.table(
        "need_photo",
        sa.column("id", guid),
        sa.column("need_id", guid),
        sa.column("content_type", sa.String()),
        sa.column("sha256", sa.String()),
    )
    rows = op.get_bind().execute(sa.select(photos)).all()
    return [
        (
            uploads / "needs" / str(row.need_id) / f"{row.id}.{EXTENSIONS[row.content_type]}",
            uploads / "files" / row.sha256[:2] / row.sha256,
        )
        for row in rows
    ]


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
    places = _photo_places()
    for before, after in places:
        if before.exists():
            after.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(before, after)
    for before, _after in places:
        shutil.rmtree(before.parent, ignore_errors=True)


def downgrade() -> None:
    places = _photo_places()
    for before, after in places:
        if after.exists():
            before.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(after, before)
    for _before, after in places:
        after.unlink(missing_ok=True)
    op.drop_table("scheduled_job")
