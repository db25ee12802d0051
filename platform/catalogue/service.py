"""Moving an entry through the review workflow, the same way for offers and needs.

Who may act is decided per entry by its policy (``supply.policy``, ``demand.policy``): its
owner (the organization, or the township's station) and reviewers whose categories include the
entry's. Every step writes the entry's history and the audit log in the same transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from accounts.identity import Identity
from accounts.models import Role
from accounts.policy import reviewed, reviews
from catalogue.endings import ENTRY_ENDING, EntryEnding
from catalogue.entry import EntryColumns
from catalogue.models import Category, EntryEvent, EntryKind
from catalogue.repository import oldest_first
from catalogue.schemas import EntryFilters, StepRequest
from catalogue.workflow import (
    EDITABLE,
    EntryState,
    InvalidTransition,
    Party,
    ReturnCause,
    Transition,
    available,
    deletable,
    next_state,
    parties_for,
    withdrawn_draft,
)
from core.audit import Actor, record, snapshot
from core.clock import Clock
from core.errors import N_, Conflict, FieldProblem, InvalidInput, Labels, PermissionDenied
from core.i18n import DEFAULT_LOCALE, translate
from core.pagination import PageRequest, Slice
from core.recent import PublicMemory

E = TypeVar("E", bound=EntryColumns)
T = TypeVar("T")


class StaleVersion(Conflict):
    code = "stale_version"


STALE = N_("Someone else saved this entry in the meantime; reload it and make your change again.")


class NotYours(PermissionDenied):
    code = "not_your_entry"


def listed_states(filters: EntryFilters, identity: Identity | None, *, mine: bool) -> EntryFilters:
    """The catalogue lists published entries unless a reviewer or a "mine" list asks for other
    states; who may read what stays the policy's readable statement, applied on top."""
    if mine or filters.state is not None or (identity and Role.REVIEWER in identity.roles):
        return filters
    return filters.model_copy(update={"state": EntryState.PUBLISHED})


class EntryWorkflow(ABC, Generic[E]):
    kind: EntryKind
    model: type[E]

    def __init__(
        self, session: AsyncSession, clock: Clock, memory: PublicMemory | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.memory = memory
        """The app's memory of public lists; None where nothing may be remembered."""

    @abstractmethod
    def is_owner(self, identity: Identity, entry: E) -> bool:
        """Whether the identity speaks for the entry's organization or station."""

    def parties(self, identity: Identity | None, entry: E) -> frozenset[Party]:
        if identity is None:
            return frozenset()
        found = set()
        if self.is_owner(identity, entry):
            found.add(Party.OWNER)
        if reviews(identity, entry.category):
            found.add(Party.REVIEWER)
        return frozenset(found)

    def entered_by(self, identity: Identity | None, entry: E) -> bool:
        """Four eyes: whoever entered an entry, for themselves or on an owner's behalf, never
        approves it; another reviewer of its category must."""
        return identity is not None and identity.user_id in (
            entry.created_by_id,
            entry.entered_on_behalf_by_id,
        )

    def steps(self, identity: Identity | None, entry: E) -> list[Transition]:
        """The steps this visitor may take now, for the page's buttons."""
        found = available(entry.state, self.parties(identity, entry))
        if self.entered_by(identity, entry):
            found = [step for step in found if step is not Transition.APPROVE]
        if not withdrawn_draft(entry.state, entry.published_at):
            found = [step for step in found if step is not Transition.RESTORE]
        return found

    def may_delete(self, identity: Identity | None, entry: E) -> bool:
        """The owner deletes a draft or a withdrawn draft (``catalogue.workflow.deletable``)."""
        return (
            identity is not None
            and self.is_owner(identity, entry)
            and deletable(entry.state, entry.published_at)
        )

    async def answer_list(
        self,
        question: Hashable,
        identity: Identity | None,
        *,
        mine: bool,
        answer: Callable[[], Awaitable[T]],
    ) -> T:
        """Anonymous public lists may come from the app's memory; anything else is fresh."""
        if identity is not None or mine or self.memory is None:
            return await answer()
        return await self.memory.pages.get((self.kind, question), answer)  # type: ignore[return-value]

    async def awaiting_review(
        self,
        identity: Identity,
        page: PageRequest,
        state: EntryState,
        *conditions: ColumnElement[bool],
    ) -> Slice[E]:
        """The reviewer's queue of entries in ``state`` in their own categories, oldest first."""
        return await oldest_first(
            self.session,
            self.model,
            page,
            self.model.state == state,
            reviewed(identity, self.model.category),
            *conditions,
        )

    async def take_step(
        self, entry: E, transition: Transition, identity: Identity, actor: Actor, asked: StepRequest
    ) -> E:
        """A step as a page or the API asked for it: its reason, the version the caller saw and
        whether the caller confirmed ending the entry's pairings."""
        return await self.transition(
            entry,
            transition,
            identity,
            actor,
            reason=asked.reason,
            version=asked.version,
            confirmed=asked.confirm,
            cause=asked.cause,
        )

    async def transition(
        self,
        entry: E,
        transition: Transition,
        identity: Identity,
        actor: Actor,
        *,
        reason: str | None = None,
        version: int | None = None,
        confirmed: bool = False,
        cause: ReturnCause | None = None,
    ) -> E:
        allowed = parties_for(transition)
        if not self.parties(identity, entry) & allowed:
            raise NotYours(
                N_("Only %(parties)s may take this step."),
                params={"parties": Labels(_PARTY_LABELS[p] for p in sorted(allowed))},
            )
        if transition is Transition.APPROVE and self.entered_by(identity, entry):
            raise NotYours(
                N_("You entered this entry; another reviewer of %(category)s must approve it."),
                params={"category": Labels([entry.category.label])},
            )
        self.check_version(entry, version)
        if transition is Transition.RETURN:
            reason = return_reason(cause, reason)
        if transition is Transition.RESTORE and not withdrawn_draft(
            entry.state, entry.published_at
        ):
            raise InvalidTransition(
                N_("Only an entry withdrawn before it was published can be restored as a draft.")
            )
        before = entry.state
        entry.state = next_state(entry.state, transition)
        now = self.clock()
        if transition is Transition.SUBMIT:
            entry.submitted_at = now
            await self.before_submit(entry)
        elif transition is Transition.APPROVE:
            entry.published_at = now
            entry.returned_reason = None
        elif transition is Transition.RETURN:
            entry.returned_reason = reason
        elif transition in (Transition.CLOSE, Transition.WITHDRAW):
            entry.closed_at = now
        elif transition is Transition.RESTORE:
            entry.closed_at = None
        await self.flush()
        if before is EntryState.PUBLISHED and transition in (Transition.CLOSE, Transition.WITHDRAW):
            ending = EntryEnding(self.kind, entry.id, reason or "", confirmed, actor, now)
            await ENTRY_ENDING.announce(self.session, ending)
        self.history(entry, transition.done, actor, before, reason)
        return entry

    async def delete(self, entry: E, actor: Actor) -> None:
        """Delete a draft or a withdrawn draft, once its owner asked (``may_delete``): the
        entry's history and the audit log keep the deletion; the entry leaves every list."""
        if not deletable(entry.state, entry.published_at):
            raise Conflict(
                N_(
                    "Only drafts and entries withdrawn before publication can be deleted; "
                    "an entry once published stays on record."
                )
            )
        self.history(entry, "deleted", actor, entry.state)
        await self.session.delete(entry)
        await self.flush()

    async def before_submit(self, entry: E) -> None:
        """A hook for checks that only apply when an entry goes to review."""

    def check_version(self, entry: E, version: int | None) -> None:
        if version is not None and version != entry.version:
            raise StaleVersion(STALE)

    def check_editable(self, entry: E) -> None:
        if entry.state not in EDITABLE:
            raise Conflict(
                N_("Only drafts and returned entries can be edited; this one is %(state)s."),
                params={"state": Labels([entry.state.label])},
            )

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise StaleVersion(STALE) from error

    def history(
        self,
        entry: E,
        action: str,
        actor: Actor,
        state_before: EntryState | None,
        reason: str | None = None,
    ) -> None:
        """Record the step on the entry's history and in the audit log."""
        now = self.clock()
        entry_id: UUID = entry.id
        self.session.add(
            EntryEvent(
                entry_kind=self.kind,
                entry_id=entry_id,
                occurred_at=now,
                actor_id=actor.user_id,
                actor_name=actor.username,
                action=action,
                state_before=state_before.value if state_before else None,
                state_after=entry.state.value,
                reason=reason,
            )
        )
        record(
            self.session,
            actor=actor,
            action=f"{self.kind.value}.{action}",
            object_type=self.kind.value,
            object_id=entry_id,
            before={"state": state_before} if state_before else None,
            after={**snapshot(entry), "reason": reason} if reason else snapshot(entry),
            at=now,
        )

    async def events_of(self, entry_id: UUID) -> list[EntryEvent]:
        rows = await self.session.scalars(
            select(EntryEvent)
            .where(EntryEvent.entry_kind == self.kind, EntryEvent.entry_id == entry_id)
            .order_by(EntryEvent.occurred_at, EntryEvent.id)
        )
        return list(rows)

    async def check_filters(self, filters: EntryFilters) -> None:
        """A list narrowed to a category and a sub-category outside it is refused, not
        answered with an empty list that looks like "nothing there"."""
        if filters.category is None or not filters.subcategory:
            return
        found = await self.session.get(Category, filters.subcategory)
        if found is None or found.parent_code != filters.category.value:
            raise InvalidInput(
                N_("Some filters are not valid."),
                problems=[
                    FieldProblem(
                        "subcategory",
                        "unknown_subcategory",
                        N_("Choose a sub-category of the chosen category."),
                    )
                ],
            )

    async def subcategory(self, code: str, top: str) -> Category:
        """The sub-category, which must belong to the chosen top category."""
        found = await self.session.get(Category, code)
        if found is None or found.parent_code != top:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[
                    FieldProblem(
                        "subcategory",
                        "unknown_subcategory",
                        N_("Choose a sub-category of the chosen category."),
                    )
                ],
            )
        return found


def return_reason(cause: ReturnCause | None, text: str | None) -> str:
    """What the author reads on a returned entry: the reason from the short list, in the
    platform's first language like the entries themselves, then the reviewer's words. Without
    a listed reason, or with "other", the words are required."""
    if not text and (cause is None or cause is ReturnCause.OTHER):
        raise InvalidInput(
            N_("Say why the entry goes back."),
            problems=[
                FieldProblem(
                    "reason",
                    "missing",
                    N_("This field is required.")
                    if cause is None
                    else N_("With “Other”, say in words why the entry goes back."),
                )
            ],
        )
    if cause is None or cause is ReturnCause.OTHER:
        return text or ""
    label = translate(DEFAULT_LOCALE, cause.label)
    return f"{label}：{text}" if text else label


_PARTY_LABELS = {
    Party.OWNER: N_("the entry's own organization or station"),
    Party.REVIEWER: N_("reviewers of its category"),
}
