"""Every table of every domain, imported once so Alembic sees the whole schema; importing it
also registers the search outbox's and the stored words' flush events on the entry tables."""

from advanced_alchemy.base import orm_registry

from accounts.models import ApiToken, Department, LoginSession, Organization, Station, User
from agreements.models import (
    Agreement,
    AgreementCounter,
    AgreementDocument,
    AgreementLine,
    AgreementProposal,
    Indicator,
)
from catalogue.models import Category, EntryEvent
from core.audit import AuditEntry
from core.idempotency import IdempotencyKey
from core.jobs import ScheduledJob
from demand.models import Need, NeedLine, NeedPhoto
from funds.models import AgreementMoney, LedgerEntry, MonthMoney
from matching import terms as _matching_terms  # noqa: F401 (registers the stored words' events)
from matching.models import EntryTerms, Notice, PlanPair, Proposal, ProposalLine, SigningEvent
from outcomes.models import IndicatorValue, ProgressReport, ReportPhoto
from regions.models import Region
from search import outbox as _search_outbox  # noqa: F401 (registers the outbox events)
from search.models import ExpirySweep, SearchOutbox
from supply.models import Offer, OfferLine

metadata = orm_registry.metadata

__all__ = [
    "Agreement",
    "AgreementCounter",
    "AgreementDocument",
    "AgreementLine",
    "AgreementMoney",
    "AgreementProposal",
    "ApiToken",
    "AuditEntry",
    "Category",
    "Department",
    "EntryEvent",
    "EntryTerms",
    "ExpirySweep",
    "IdempotencyKey",
    "Indicator",
    "IndicatorValue",
    "LedgerEntry",
    "LoginSession",
    "MonthMoney",
    "Need",
    "NeedLine",
    "NeedPhoto",
    "Notice",
    "Offer",
    "OfferLine",
    "Organization",
    "PlanPair",
    "ProgressReport",
    "Proposal",
    "ProposalLine",
    "Region",
    "ReportPhoto",
    "ScheduledJob",
    "SearchOutbox",
    "SigningEvent",
    "Station",
    "User",
    "metadata",
]
