"""Photos of progress reports: the organization adds and removes them while it may still
change the report (``outcomes.policy``, the ``save`` step); whoever may read the agreement's
reports sees them, no one else.

The images are checked and kept like the photos of needs (``demand.photo_store``: JPEG, PNG or
WebP by their first bytes, at most 5 MB, in the content store by digest, in place when their
row commits). Each addition and removal is audited on the report.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from agreements.models import Agreement
from agreements.policy import parties_of
from core.audit import Actor, record_change
from core.clock import Clock
from core.errors import N_, FieldProblem, InvalidInput, PermissionDenied
from demand.photo_service import ServedPhoto
from demand.photo_store import FIELD, PhotoMissing, PhotoStore, checked_image
from outcomes.models import ProgressReport, ReportPhoto
from outcomes.policy import REFUSALS, ReportStep, may_take, target
from outcomes.service import NO_SUCH_REPORT, ReportNotFound, ReportService

MAX_PHOTOS_PER_REPORT = 6


def photo_url(agreement_id: UUID, photo: ReportPhoto) -> str:
    return f"/agreements/{agreement_id}/reports/{photo.report_id}/photos/{photo.id}"


class ReportPhotos:
    def __init__(self, session: AsyncSession, clock: Clock, store: PhotoStore) -> None:
        self.session = session
        self.clock = clock
        self.store = store
        self.reports = ReportService(session, clock)

    async def add(
        self,
        agreement_id: UUID,
        report_id: UUID,
        content: bytes,
        identity: Identity,
        actor: Actor,
    ) -> ReportPhoto:
        report = await self._editable(agreement_id, report_id, identity)
        existing = await self.session.scalar(
            select(func.count()).select_from(ReportPhoto).where(ReportPhoto.report_id == report.id)
        )
        if (existing or 0) >= MAX_PHOTOS_PER_REPORT:
            message = N_("A report has at most 6 photos.")
            raise InvalidInput(message, problems=[FieldProblem(FIELD, "too_many_photos", message)])
        checked = checked_image(content)
        photo = ReportPhoto(
            id=uuid7(),
            report_id=report.id,
            content_type=checked.content_type,
            byte_size=checked.byte_size,
            sha256=checked.sha256,
            uploaded_by_id=identity.user_id,
            created_at=self.clock(),
        )
        self.session.add(photo)
        await self.session.flush()
        self.store.write(self.session, checked)
        self._audit(actor, "report.photo_added", report, photo)
        return photo

    async def remove(
        self, agreement_id: UUID, report_id: UUID, photo_id: UUID, identity: Identity, actor: Actor
    ) -> None:
        """The row goes now; its file with the next sweep, if no other row names it."""
        report = await self._editable(agreement_id, report_id, identity)
        photo = await self._photo(report.id, photo_id)
        await self.session.delete(photo)
        await self.session.flush()
        self._audit(actor, "report.photo_removed", report, photo)

    async def list(
        self, agreement_id: UUID, report_id: UUID, identity: Identity | None
    ) -> tuple[Agreement, list[ReportPhoto]]:
        """For whoever may read the agreement's reports (404 otherwise)."""
        agreement, report = await self.reports.report(agreement_id, report_id, identity)
        return agreement, await self.reports.reports.photos(report.id)

    async def open(
        self, agreement_id: UUID, report_id: UUID, photo_id: UUID, identity: Identity | None
    ) -> ServedPhoto:
        """The image, for whoever may read the agreement's reports; 404 for everyone else."""
        _agreement, report = await self.reports.report(agreement_id, report_id, identity)
        photo = await self._photo(report.id, photo_id)
        return ServedPhoto(
            content=self.store.read(photo.sha256),
            content_type=photo.content_type,
            sha256=photo.sha256,
            public=False,
        )

    async def _editable(
        self, agreement_id: UUID, report_id: UUID, identity: Identity
    ) -> ProgressReport:
        """The report, locked (two uploads at once must not both pass the limit), if the
        visitor may change it now: the rules of the ``save`` step."""
        agreement = await self.reports.agreements.require(agreement_id, identity, private=True)
        report = await self.reports.reports.find(agreement.id, report_id)
        if report is None:
            raise ReportNotFound(NO_SUCH_REPORT)
        target(report.state, ReportStep.SAVE)
        if not may_take(ReportStep.SAVE, report.state, parties_of(identity, agreement)):
            raise PermissionDenied(REFUSALS[ReportStep.SAVE])
        return report

    async def _photo(self, report_id: UUID, photo_id: UUID) -> ReportPhoto:
        photo = await self.reports.reports.photo(report_id, photo_id)
        if photo is None:
            raise PhotoMissing(N_("No such photo."))
        return photo

    def _audit(self, actor: Actor, action: str, report: ProgressReport, photo: ReportPhoto) -> None:
        record_change(
            self.session,
            report,
            actor=actor,
            action=action,
            after={"photo_id": photo.id, "sha256": photo.sha256},
            at=self.clock(),
        )


async def report_photo_digests(session: AsyncSession) -> set[str]:
    """The files the photos of reports name, for the content store's orphan sweep."""
    return set(await session.scalars(select(ReportPhoto.sha256)))
