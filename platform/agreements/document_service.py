"""Documents of an agreement: its parties and reviewers add them; whoever may see the
agreement's private side (parties and staff) lists and downloads them. Every upload and
download is audited."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from agreements.documents import DocumentMissing, DocumentStore
from agreements.models import AgreementDocument, AgreementState, DocumentKind
from agreements.policy import parties_of
from agreements.service import AgreementService
from core.audit import Actor, record_change
from core.clock import Clock
from core.errors import N_, Conflict, PermissionDenied


@dataclass(frozen=True, slots=True)
class ServedDocument:
    content: bytes
    content_type: str
    file_name: str
    sha256: str


class AgreementDocuments:
    def __init__(self, session: AsyncSession, clock: Clock, store: DocumentStore) -> None:
        self.session = session
        self.clock = clock
        self.store = store
        self.agreements = AgreementService(session, clock)

    async def add(
        self,
        agreement_id: UUID,
        kind: DocumentKind,
        file_name: str,
        content: bytes,
        identity: Identity,
        actor: Actor,
    ) -> AgreementDocument:
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        if not parties_of(identity, agreement):
            raise PermissionDenied(N_("Only the parties or a reviewer add documents."))
        if agreement.state is AgreementState.TERMINATED:
            raise Conflict(N_("A terminated agreement takes no more documents."))
        checked = self.store.check(content, file_name)
        document = AgreementDocument(
            id=uuid7(),
            agreement_id=agreement.id,
            kind=kind,
            file_name=checked.file_name,
            content_type=checked.content_type,
            byte_size=checked.byte_size,
            sha256=checked.sha256,
            uploaded_by_id=identity.user_id,
            created_at=self.clock(),
        )
        self.session.add(document)
        await self.session.flush()
        self.store.write(self.session, checked)
        record_change(
            self.session,
            agreement,
            actor=actor,
            action="agreement.document_added",
            after={
                "document_id": document.id,
                "kind": kind.value,
                "file_name": document.file_name,
                "sha256": document.sha256,
            },
            at=self.clock(),
        )
        return document

    async def list(self, agreement_id: UUID, identity: Identity) -> list[AgreementDocument]:
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        return await self.agreements.agreements.documents(agreement.id)

    async def open(
        self, agreement_id: UUID, document_id: UUID, identity: Identity, actor: Actor
    ) -> ServedDocument:
        """The file for the parties and staff (404 for everyone else); the download is
        audited."""
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        document = await self.agreements.agreements.document(agreement.id, document_id)
        if document is None:
            raise DocumentMissing(N_("No such document."))
        served = ServedDocument(
            content=self.store.read(document.sha256),
            content_type=document.content_type,
            file_name=document.file_name,
            sha256=document.sha256,
        )
        record_change(
            self.session,
            agreement,
            actor=actor,
            action="agreement.document_downloaded",
            after={"document_id": document.id},
            at=self.clock(),
        )
        return served
