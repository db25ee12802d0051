"""The jobs every deployment runs, in the app (`Settings.jobs_in_app`) or in ``xiangxing
worker``."""

from __future__ import annotations

from datetime import timedelta

from agreements.documents import document_digests
from core.files import ContentStore, orphan_sweep_job
from core.jobs import Job
from core.settings import Settings
from demand.photo_store import photo_digests
from listings.importing.staging import SWEEP_ABANDONED_IMPORTS
from matching.expiry import EXPIRE_PROPOSALS
from matching.plan_process import PlanningProcess, plan_job
from outcomes.due_reports import FOLLOW_DUE_REPORTS
from outcomes.photos import report_photo_digests
from xiangxing.cli_matching import PLANNING_COMMAND


def scheduled_jobs(settings: Settings) -> list[Job]:
    return [
        EXPIRE_PROPOSALS,
        plan_job(
            PlanningProcess(
                PLANNING_COMMAND,
                timedelta(minutes=settings.plan_time_limit_minutes),
                ready_for=timedelta(minutes=settings.plan_ready_minutes),
            )
        ),
        FOLLOW_DUE_REPORTS,
        SWEEP_ABANDONED_IMPORTS,
        orphan_sweep_job(
            "core.sweep_files",
            ContentStore.of(settings),
            [photo_digests, document_digests, report_photo_digests],
        ),
    ]
