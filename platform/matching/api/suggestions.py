"""The suggestions JSON API: the offers that best suit a need, the needs an offer best suits,
each with its score and why, for the entry's own side and its reviewers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from accounts.identity import Identity
from core.access import SIGNED_IN
from core.assembled import assembled
from core.database import READS_ONLY
from core.error_contract import error_responses
from matching.deps import provide_suggestion_params, provide_suggestions
from matching.schemas import (
    NeedSuggestions,
    OfferSuggestions,
    SuggestionParams,
    need_suggestion,
    offer_suggestion,
)
from matching.suggestions import SuggestionService


class SuggestionApiController(Controller):
    path = "/api/v1"
    opt = READS_ONLY
    tags = ["matching"]
    dependencies = {
        "suggestions": Provide(provide_suggestions),
        "params": Provide(provide_suggestion_params),
    }

    @get(
        "/needs/{need_id:uuid}/suggestions",
        opt=SIGNED_IN,
        summary="The offers that best suit a need",
        responses=error_responses(400, 401, 403, 404),
    )
    async def offers_for_need(
        self,
        request: Request[Identity, Any, Any],
        suggestions: NamedDependency[SuggestionService],
        params: NamedDependency[SuggestionParams],
        need_id: FromPath[UUID],
    ) -> OfferSuggestions:
        """For the need's station and reviewers of its category."""
        ranked = await suggestions.offers_for(need_id, request.user, params)
        return assembled(
            OfferSuggestions,
            items=[
                offer_suggestion(
                    row, scored, request.app.route_reverse("catalogue:offer", offer_id=row.id)
                )
                for row, scored in ranked[: params.k]
            ],
            total=len(ranked),
        )

    @get(
        "/offers/{offer_id:uuid}/suggestions",
        opt=SIGNED_IN,
        summary="The needs an offer best suits",
        responses=error_responses(400, 401, 403, 404),
    )
    async def needs_for_offer(
        self,
        request: Request[Identity, Any, Any],
        suggestions: NamedDependency[SuggestionService],
        params: NamedDependency[SuggestionParams],
        offer_id: FromPath[UUID],
    ) -> NeedSuggestions:
        """For the offer's organization and reviewers of its category."""
        ranked = await suggestions.needs_for(offer_id, request.user, params)
        return assembled(
            NeedSuggestions,
            items=[
                need_suggestion(
                    row, scored, request.app.route_reverse("catalogue:need", need_id=row.id)
                )
                for row, scored in ranked[: params.k]
            ],
            total=len(ranked),
        )
