"""The jobs every deployment runs, in the app (`Settings.jobs_in_app`) or in ``xiangxing
worker``."""

from __future__ import annotations

from catalogue.importing.staging import SWEEP_ABANDONED_IMPORTS
from core.files import sweep_job
from core.jobs import Job
from core.settings import Settings
from matching.expiry import EXPIRE_PROPOSALS
from xiangxing.backup import UPLOADS


def scheduled_jobs(settings: Settings) -> list[Job]:
    return [
        EXPIRE_PROPOSALS,
        SWEEP_ABANDONED_IMPORTS,
        sweep_job("core.sweep_uploads", settings.var_dir / UPLOADS),
    ]
