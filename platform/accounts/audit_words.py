"""The audit log in words: one table of every action code the platform writes, with the phrase
an administrator reads, the object types and the labels of the fields a change names.

Codes are written by the packages that act (``core.audit.record``); the phrases live here, in
one place, so the audit page, its filters and its download say the same thing. A code without a
phrase is shown as the code itself, and ``tests/accounts/test_audit_words.py`` fails until the
phrase is added.
"""

from __future__ import annotations

from core.errors import N_

ACTION_GROUPS: dict[str, dict[str, str]] = {
    N_("Sign-in and access"): {
        "login.succeeded": N_("Signed in"),
        "login.failed": N_("Sign-in failed"),
        "logout": N_("Signed out"),
        "access.denied": N_("Access refused"),
        "token.issued": N_("API token created"),
        "token.revoked": N_("API token revoked"),
    },
    N_("Users"): {
        "user.created": N_("User created"),
        "user.updated": N_("User changed"),
        "user.activated": N_("User enabled"),
        "user.deactivated": N_("User disabled"),
        "user.unlocked": N_("User unlocked"),
        "user.password_reset": N_("Password reset by an administrator"),
        "user.password_changed": N_("Password changed"),
    },
    N_("Organizations, stations and departments"): {
        "organization.created": N_("Organization registered"),
        "organization.updated": N_("Organization changed"),
        "organization.verified": N_("Organization verified"),
        "organization.suspended": N_("Organization suspended"),
        "organization.pending": N_("Organization set back to awaiting verification"),
        "station.created": N_("Station created"),
        "station.updated": N_("Station changed"),
        "station.contact_updated": N_("Station contact changed"),
        "department.created": N_("Department created"),
        "department.updated": N_("Department changed"),
    },
    N_("Needs"): {
        "need.created": N_("Need created"),
        "need.updated": N_("Need edited"),
        "need.deleted": N_("Need deleted"),
        "need.imported": N_("Needs imported from Excel"),
        "need.verified": N_("Need verified on site"),
        "need.photo_added": N_("Photo added to a need"),
        "need.photo_removed": N_("Photo removed from a need"),
        "need.submitted": N_("Need submitted for review"),
        "need.approved": N_("Need approved and published"),
        "need.returned": N_("Need returned for changes"),
        "need.withdrawn": N_("Need withdrawn"),
        "need.restored": N_("Withdrawn need restored as a draft"),
        "need.closed": N_("Need closed"),
    },
    N_("Offers"): {
        "offer.created": N_("Offer created"),
        "offer.updated": N_("Offer edited"),
        "offer.deleted": N_("Offer deleted"),
        "offer.imported": N_("Offers imported from Excel"),
        "offer.submitted": N_("Offer submitted for review"),
        "offer.approved": N_("Offer approved and published"),
        "offer.returned": N_("Offer returned for changes"),
        "offer.withdrawn": N_("Offer withdrawn"),
        "offer.restored": N_("Withdrawn offer restored as a draft"),
        "offer.closed": N_("Offer closed"),
    },
    N_("Pairings and signing events"): {
        "proposal.proposed": N_("Pairing proposed"),
        "proposal.agreed": N_("One party agreed to a pairing proposal"),
        "proposal.accepted": N_("Pairing proposal accepted"),
        "proposal.declined": N_("Pairing proposal declined"),
        "proposal.withdrawn": N_("Pairing proposal withdrawn"),
        "proposal.expired": N_("Pairing proposal expired"),
        "proposal.cancelled": N_("Pairing proposal cancelled"),
        "proposal.converted": N_("Pairing proposal turned into an agreement"),
        "event.created": N_("Signing event created"),
        "event.plan_requested": N_("Signing event plan requested"),
        "event.planned": N_("Signing event planned"),
        "event.pair_added": N_("Pair added to a signing event"),
        "event.pair_dropped": N_("Pair removed from a signing event"),
    },
    N_("Agreements"): {
        "agreement.created": N_("Agreement made"),
        "agreement.confirm": N_("Signed on the platform"),
        "agreement.sign-on-paper": N_("Signature on paper recorded"),
        "agreement.start": N_("Work started"),
        "agreement.confirm-completion": N_("Completion confirmed by the recipient"),
        "agreement.complete": N_("Closed as completed"),
        "agreement.terminate": N_("Terminated"),
        "agreement.indicator_added": N_("Indicator target added"),
        "agreement.document_added": N_("Document uploaded"),
        "agreement.document_downloaded": N_("Document downloaded"),
    },
    N_("Funds"): {
        "ledger.commitment": N_("Commitment recorded"),
        "ledger.disbursement": N_("Disbursement recorded"),
        "ledger.receipt_confirmation": N_("Receipt confirmed"),
        "ledger.receipt_dispute": N_("Receipt disputed"),
        "ledger.expenditure": N_("Expenditure recorded"),
        "ledger.refund": N_("Refund recorded"),
        "ledger.reversal": N_("Reversing entry recorded"),
    },
    N_("Progress reports"): {
        "report.created": N_("Progress report created"),
        "report.opened": N_("Progress report period opened"),
        "report.overdue": N_("Progress report overdue"),
        "report.save": N_("Progress report saved"),
        "report.submit": N_("Progress report submitted"),
        "report.approve": N_("Progress report approved"),
        "report.return": N_("Progress report returned"),
        "report.move-due": N_("Progress report due date moved"),
        "report.photo_added": N_("Photo added to a progress report"),
        "report.photo_removed": N_("Photo removed from a progress report"),
    },
}
"""Action code → phrase (a message id), grouped the way the action filter shows them."""

ACTIONS: dict[str, str] = {
    code: phrase for group in ACTION_GROUPS.values() for code, phrase in group.items()
}

OBJECT_TYPES: dict[str, str] = {
    "user_account": N_("User"),
    "organization": N_("Organization"),
    "station": N_("Station"),
    "department": N_("Department"),
    "need": N_("Need"),
    "offer": N_("Offer"),
    "proposal": N_("Pairing proposal"),
    "signing_event": N_("Signing event"),
    "agreement": N_("Agreement"),
    "ledger_entry": N_("Ledger entry"),
    "progress_report": N_("Progress report"),
    "api_token": N_("API token"),
    "route": N_("Page or API address"),
}
"""Object type (as stored: mostly a table's name) → its name, in the order of the filter."""

SAME_TYPE: dict[str, str] = {"user": "user_account"}
"""Stored types that name the same kind of object as another: sign-ins are written about a
``user``, account changes about a ``user_account``; both are users."""

FIELDS: dict[str, str] = {
    "username": N_("User name"),
    "display_name": N_("Name"),
    "is_active": N_("Active"),
    "roles": N_("Roles"),
    "reviewer_categories": N_("Reviews"),
    "organization_id": N_("Organization"),
    "station_id": N_("Station"),
    "department_id": N_("Department"),
    "must_change_password": N_("Must change password"),
    "locked_until": N_("Locked until"),
    "failed_logins": N_("Failed sign-ins"),
    "name": N_("Name"),
    "credit_code": N_("Unified social credit code"),
    "org_type": N_("Type"),
    "origin": N_("Origin"),
    "registration_level": N_("Registered with"),
    "has_party_branch": N_("Has a Party branch"),
    "focus_categories": N_("Fields of work"),
    "description": N_("Description"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
    "verification": N_("Verification"),
    "verified_at": N_("Verified on"),
    "township_code": N_("Township"),
    "region_code": N_("Place"),
    "title": N_("Title"),
    "category": N_("Category"),
    "subcategory_code": N_("Sub-category"),
    "state": N_("State"),
    "reason": N_("Reason"),
    "returned_reason": N_("Reason for return"),
    "urgency": N_("Urgency"),
    "deadline": N_("Deadline"),
    "beneficiary_count": N_("Number of beneficiaries"),
    "tags": N_("Tags"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "number": N_("Number"),
    "amount": N_("Amount in yuan"),
    "quantity": N_("Goods quantity"),
    "unit": N_("Goods unit"),
    "note": N_("Note"),
    "evidence": N_("Evidence"),
    "entry_type": N_("Entry type"),
    "sequence": N_("No."),
    "spend_category": N_("Spend category"),
    "due_on": N_("Due on"),
    "period_end": N_("Period end"),
    "count": N_("Entries"),
    "file": N_("File"),
    "message": N_("Message"),
    "need_id": N_("Need"),
    "offer_id": N_("Offer"),
    "path": N_("Address"),
    "recipient": N_("Recipient"),
    "amounts": N_("Amounts"),
    "method": N_("Method"),
}
"""Field name in a change's before/after → its label; a field without one shows its name."""

HIDDEN_FIELDS = frozenset(
    {"id", "_sentinel", "created_at", "updated_at", "version", "content_hash", "previous_hash"}
)
"""Bookkeeping columns a change never needs to show; so are ids of other rows (``…_id``,
``…_ids``) without a label here: the entry's object and actor already name them."""


def shows_field(field: str) -> bool:
    """Whether a change's table shows this field."""
    return field not in HIDDEN_FIELDS and (field in FIELDS or not field.endswith(("_id", "_ids")))


def phrase(action: str) -> str:
    """The phrase (message id) of an action code, or the code itself when it has none."""
    return ACTIONS.get(action, action)


def object_label(object_type: str) -> str:
    """The name (message id) of an object type, or the type itself when it has none."""
    return OBJECT_TYPES.get(SAME_TYPE.get(object_type, object_type), object_type)


def stored_types(object_type: str) -> list[str]:
    """The stored types a filter on one object type matches."""
    return [object_type, *sorted(key for key, same in SAME_TYPE.items() if same == object_type)]
