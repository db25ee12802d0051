"""The audit log names the objects of the packages above accounts through namers registered
here (``accounts.audit_names``): a need or an offer by its title, an agreement, a ledger entry
or a progress report by the agreement's number, a signing event by its name."""

from __future__ import annotations

from accounts.audit_names import name_objects, namer
from agreements.models import Agreement
from demand.models import Need
from funds.models import LedgerEntry
from matching.models import SigningEvent
from outcomes.models import ProgressReport
from supply.models import Offer


def register_audit_names() -> None:
    name_objects("need", namer(Need.id, Need.title, "/catalogue/needs/{id}"))
    name_objects("offer", namer(Offer.id, Offer.title, "/catalogue/offers/{id}"))
    name_objects("agreement", namer(Agreement.id, Agreement.number, "/agreements/{id}"))
    name_objects("signing_event", namer(SigningEvent.id, SigningEvent.name, "/events/{id}"))
    name_objects(
        "ledger_entry",
        namer(
            LedgerEntry.id,
            Agreement.number,
            "/agreements/{parent}/money",
            parent_id=LedgerEntry.agreement_id,
        ),
    )
    name_objects(
        "progress_report",
        namer(
            ProgressReport.id,
            Agreement.number,
            "/agreements/{parent}/reports/{id}",
            parent_id=ProgressReport.agreement_id,
        ),
    )
