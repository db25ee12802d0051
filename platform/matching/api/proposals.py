"""The proposals JSON API: propose a pairing, list and read the ones you are party to, and
accept, decline or withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.denials import actor_of
from accounts.identity import Identity
from core.access import SIGNED_IN
from core.database import READS_ONLY
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, provide_page_request
from matching.consent import Pairing, may_see, steps_for
from matching.deps import provide_proposals
from matching.models import ProposalState
from matching.proposal_schemas import (
    AnswerIn,
    ProposalIn,
    ProposalRead,
    proposal_read,
)
from matching.proposals import NO_SUCH_PROPOSAL, ProposalNotFound, ProposalService
from matching.repository import ListedProposal
from matching.rules import Step


def view(listed: ListedProposal, identity: Identity, now: datetime) -> ProposalRead:
    """A proposal as the identity sees it: its state at ``now`` and the steps it may take."""
    pairing = Pairing.stated(listed.row, listed.row, now)
    return proposal_read(listed, pairing, steps_for(identity, pairing))


class ProposalApiController(Controller):
    path = "/api/v1/proposals"
    opt = READS_ONLY
    tags = ["matching"]
    dependencies = {
        "proposals": Provide(provide_proposals),
        "page_request": Provide(provide_page_request),
    }

    @post(
        "/",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Propose a pairing",
        responses=error_responses(400, 401, 403, 409, 422),
    )
    async def propose(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        data: JSONBody[ProposalIn],
    ) -> ProposalRead:
        """By the need's station, the offer's organization or a reviewer (a matchmaker: then both
        sides answer); the parties still to answer have 14 days."""
        proposal = await proposals.propose(
            data.need_id,
            data.offer_id,
            request.user,
            actor_of(request),
            amounts=data.amounts,
            message=data.message,
        )
        return view(await proposals.listed(proposal.id), request.user, proposals.clock())

    @get(
        "/",
        opt=SIGNED_IN,
        summary="Proposals you are party to (reviewers: their categories)",
        responses=error_responses(400, 401, 403),
    )
    async def list_proposals(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        page_request: NamedDependency[PageRequest],
        proposal_state: Annotated[
            ProposalState | None, QueryParameter(name="state", description="Only this state")
        ] = None,
    ) -> Page[ProposalRead]:
        found = await proposals.listed_for(
            request.user, page_request, state=proposal_state, estimate=True
        )
        now = proposals.clock()
        return found.to_page(lambda listed: view(listed, request.user, now))

    @get(
        "/{proposal_id:uuid}",
        opt=SIGNED_IN,
        summary="One proposal",
        responses=error_responses(400, 401, 403, 404),
    )
    async def get_proposal(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        proposal_id: FromPath[UUID],
    ) -> ProposalRead:
        listed, now = await proposals.listed(proposal_id), proposals.clock()
        if not may_see(request.user, Pairing.stated(listed.row, listed.row, now)):
            raise ProposalNotFound(NO_SUCH_PROPOSAL)
        return view(listed, request.user, now)

    @post(
        "/{proposal_id:uuid}/{step:str}",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        proposal_id: FromPath[UUID],
        step: FromPath[Step],
        data: Annotated[AnswerIn | None, Body(description="reason")] = None,
    ) -> ProposalRead:
        """``accept`` (your side agrees; once both sides have, the amounts are committed),
        ``decline`` (with a reason) or ``withdraw``."""
        reason = (data or AnswerIn()).reason
        await proposals.take(proposal_id, step, request.user, actor_of(request), reason=reason)
        return view(await proposals.listed(proposal_id), request.user, proposals.clock())
