"""How an entry shows on any page that lists needs or offers: its shown state (expired
past its deadline), the labels of states and history steps, dates in local time."""

from __future__ import annotations

from typing import Any

from catalogue.models import Category
from catalogue.workflow import EXPIRED, EntryState, ReturnCause, shown_state
from core.clock import Clock, local_date
from core.errors import N_

SHOWN_LABELS = {
    **{state.value: state.label for state in EntryState},
    EXPIRED: N_("Expired"),
}
ACTION_LABELS = {
    "created": N_("Entry created"),
    "updated": N_("Edited"),
    "submitted": N_("Submitted for review"),
    "approved": N_("Approved and published"),
    "returned": N_("Returned for revision"),
    "withdrawn": N_("Withdrawn"),
    "closed": N_("Closed"),
    "restored": N_("Restored as a draft"),
    "verified": N_("Verified on the ground"),
    "deleted": N_("Deleted"),
    "photo_added": N_("Photo added"),
    "photo_removed": N_("Photo removed"),
}


def entry_helpers(clock: Clock) -> dict[str, Any]:
    """What every page listing entries uses: the shown state (expired), its labels, dates."""
    today = local_date(clock())

    def shown(entry: Any) -> str:
        return shown_state(entry.state, entry.deadline, today)

    return {
        "shown": shown,
        "state_labels": SHOWN_LABELS,
        "action_labels": ACTION_LABELS,
        "return_causes": list(ReturnCause),
        "day": local_date,
        "today": today,
    }


def subcategory_names(tree: list[tuple[Category, list[Category]]]) -> dict[str, Category]:
    return {sub.code: sub for _top, subs in tree for sub in subs}
