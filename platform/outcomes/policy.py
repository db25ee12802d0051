"""Where a progress report may go from each state and who may take it there: pure rules.

The organization drafts and submits; the recipient (through its station or department) or a
reviewer of the category approves or returns it with a reason; a returned report is corrected
and submitted again. Only a reviewer moves a due date. The parties are those of the agreement
(``agreements.policy.parties_of``).
"""

from __future__ import annotations

from enum import StrEnum

from agreements.lifecycle import SIGNED_OR_LATER, Party
from agreements.models import AgreementState
from core.errors import N_, Conflict, Labels
from outcomes.models import ReportState


class ReportStep(StrEnum):
    SAVE = "save"
    """Change the narrative or values of a draft or returned report."""
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    MOVE_DUE = "move-due"


S = ReportState
MOVES: dict[ReportStep, dict[ReportState, ReportState]] = {
    ReportStep.SAVE: {S.DRAFT: S.DRAFT, S.RETURNED: S.RETURNED},
    ReportStep.SUBMIT: {S.DRAFT: S.SUBMITTED, S.RETURNED: S.RESUBMITTED},
    ReportStep.APPROVE: {S.SUBMITTED: S.APPROVED, S.RESUBMITTED: S.APPROVED},
    ReportStep.RETURN: {S.SUBMITTED: S.RETURNED, S.RESUBMITTED: S.RETURNED},
    ReportStep.MOVE_DUE: {S.DRAFT: S.DRAFT, S.RETURNED: S.RETURNED},
}
WHO: dict[ReportStep, frozenset[Party]] = {
    ReportStep.SAVE: frozenset({Party.ORGANIZATION}),
    ReportStep.SUBMIT: frozenset({Party.ORGANIZATION}),
    ReportStep.APPROVE: frozenset({Party.RECIPIENT, Party.REVIEWER}),
    ReportStep.RETURN: frozenset({Party.RECIPIENT, Party.REVIEWER}),
    ReportStep.MOVE_DUE: frozenset({Party.REVIEWER}),
}
REFUSALS = {
    ReportStep.SAVE: N_("Only the organization writes its progress reports."),
    ReportStep.SUBMIT: N_("Only the organization submits its progress reports."),
    ReportStep.APPROVE: N_("Only the recipient or a reviewer of the category approves a report."),
    ReportStep.RETURN: N_("Only the recipient or a reviewer of the category returns a report."),
    ReportStep.MOVE_DUE: N_("Only a reviewer of the category moves a due date."),
}


class WrongReportState(Conflict):
    code = "wrong_state"


def takes_reports(state: AgreementState) -> bool:
    """Reports follow the work: from signing on, never on a draft or a terminated agreement."""
    return state in SIGNED_OR_LATER


def drafts_reports(parties: frozenset[Party]) -> bool:
    """Who opens the report of a period: the organization, as it writes it."""
    return Party.ORGANIZATION in parties


def target(state: ReportState, step: ReportStep) -> ReportState:
    """Where the step leads from ``state``; ``WrongReportState`` (409) when it cannot be taken."""
    moved = MOVES[step].get(state)
    if moved is None:
        raise WrongReportState(
            N_("This step cannot be taken while the report is %(state)s."),
            params={"state": Labels([state.label])},
        )
    return moved


def may_take(step: ReportStep, state: ReportState, parties: frozenset[Party]) -> bool:
    return state in MOVES[step] and bool(WHO[step] & parties)


def steps_for(state: ReportState, parties: frozenset[Party]) -> list[ReportStep]:
    """The steps offered to the caller now (the API's ``steps``)."""
    return [step for step in ReportStep if may_take(step, state, parties)]
