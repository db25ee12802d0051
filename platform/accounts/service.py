"""Managing accounts: users and their roles, organizations and their verification.

Every write checks who acts, validates the whole input first (bad input changes nothing) and
records before/after in the audit log. Services flush, the request commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError

from accounts.authentication import AuthenticationService, LoginFailed
from accounts.directory import Directory
from accounts.identity import Identity
from accounts.models import (
    Affiliation,
    Department,
    Organization,
    Role,
    Station,
    User,
    Verification,
)
from accounts.passwords import check_password, hash_password
from accounts.policy import organization_readable
from accounts.schemas import (
    OrganizationFields,
    OrganizationRegistration,
    UserCreate,
    UserUpdate,
)
from accounts.suspension import ORGANIZATION_SUSPENDED, OrganizationSuspended
from core.audit import Actor, record_change, snapshot
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from core.pagination import PageRequest, Slice
from regions.models import Region

TEMPORARY_PASSWORD_BYTES = 12
SECRET_FIELDS = frozenset({"password_hash"})


class WrongCurrentPassword(InvalidInput):
    """Answered 401 like a failed sign-in, so the failure it counts is committed."""

    status_code = 401
    code = "wrong_current_password"


ORGANIZATION_COLUMNS = set(OrganizationFields.model_fields) - {"service_region_codes"}


class AccountsService(Directory):
    """The account rules, on top of the directory's reads (`accounts.directory`)."""

    # --- users ---------------------------------------------------------------------------

    async def create_user(
        self, data: UserCreate, *, actor: Actor, privacy_consent_at: datetime | None = None
    ) -> User:
        await self._check_new_user(data)
        user = User(
            username=data.username,
            display_name=data.display_name,
            password_hash=hash_password(data.password),
            roles=sorted({role.value for role in data.roles}),
            organization_id=data.organization_id,
            station_id=data.station_id,
            department_id=data.department_id,
            reviewer_categories=sorted({c.value for c in data.reviewer_categories}),
            privacy_consent_at=privacy_consent_at,
        )
        self.session.add(user)
        await self._flush_unique("username", N_("This user name is taken."))
        self._audit(actor, "user.created", user, after=snapshot(user, exclude=SECRET_FIELDS))
        return user

    async def _check_new_user(self, data: UserCreate) -> None:
        problems = await self.affiliation_problems(data)
        if await self.users.by_username(data.username) is not None:
            problems.append(FieldProblem("username", "taken", N_("This user name is taken.")))
        if problems:
            raise InvalidInput(N_("Some fields need correcting."), problems=problems)

    async def affiliation_problems(self, data: UserCreate | UserUpdate) -> list[FieldProblem]:
        """Exactly one affiliation, of the kind the roles need, that exists (a station must
        be open); categories only for reviewers. Used on creating and on editing."""
        problems = []
        affiliations = {
            Affiliation.ORGANIZATION: data.organization_id,
            Affiliation.STATION: data.station_id,
            Affiliation.DEPARTMENT: data.department_id,
        }
        chosen = [kind for kind, value in affiliations.items() if value is not None]
        if len(chosen) != 1:
            problems.append(
                FieldProblem(
                    "affiliation",
                    "one_affiliation",
                    N_("Choose exactly one organization, station or department for the user."),
                )
            )
        else:
            wrong = [role for role in data.roles if role.affiliation is not chosen[0]]
            if wrong:
                problems.append(
                    FieldProblem(
                        "roles",
                        "role_affiliation",
                        N_(
                            "Organization members belong to an organization, station workers to a"
                            " station, reviewers, administrators and viewers to a department."
                        ),
                    )
                )
            elif not await self._affiliation_exists(chosen[0], affiliations[chosen[0]]):
                problems.append(
                    FieldProblem(
                        "affiliation",
                        "unknown_affiliation",
                        N_("The chosen organization, station or department does not exist."),
                    )
                )
        if data.reviewer_categories and Role.REVIEWER not in data.roles:
            problems.append(
                FieldProblem(
                    "reviewer_categories",
                    "not_a_reviewer",
                    N_("Only reviewers are scoped to categories."),
                )
            )
        return problems

    async def _affiliation_exists(self, kind: Affiliation, affiliation_id: UUID | None) -> bool:
        model = {
            Affiliation.ORGANIZATION: Organization,
            Affiliation.STATION: Station,
            Affiliation.DEPARTMENT: Department,
        }[kind]
        found = await self.session.get(model, affiliation_id)
        return found is not None and getattr(found, "is_active", True)

    async def require_user(self, user_id: UUID) -> User:
        user = await self.users.get_one_or_none(User.id == user_id)
        if user is None:
            raise NotFound(N_("No such user."))
        return user

    async def list_users(
        self, page: PageRequest, *, search: str | None = None, role: str | None = None
    ) -> Slice[User]:
        users, total = await self.users.page(page, search=search, role=role)
        return Slice.of(users, total, page)

    async def set_active(self, user_id: UUID, active: bool, *, actor: Actor) -> User:
        """Deactivating ends every session and token of the user at once."""
        user = await self.require_user(user_id)
        if str(user.id) == actor.user_id and not active:
            raise Conflict(N_("You cannot deactivate your own account."))
        before = {"is_active": user.is_active}
        user.is_active = active
        if not active:
            await AuthenticationService(self.session, self.clock).end_everything_of(
                user.id, reason="deactivated"
            )
        self._audit(
            actor,
            "user.activated" if active else "user.deactivated",
            user,
            before=before,
            after={"is_active": active},
        )
        return user

    async def reset_password(self, user_id: UUID, *, actor: Actor) -> str:
        """A temporary password, shown once; the user must change it at next sign-in."""
        user = await self.require_user(user_id)
        temporary = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
        user.password_hash = hash_password(temporary)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        await AuthenticationService(self.session, self.clock).end_everything_of(
            user.id, reason="password_reset"
        )
        self._audit(actor, "user.password_reset", user)
        return temporary

    async def change_password(
        self, identity: Identity, current: str, new: str, *, actor: Actor
    ) -> None:
        """The current password is checked like a sign-in (a wrong one counts towards the
        lockout); the change ends the user's other sessions and revokes their tokens, so a
        stolen session or token dies with the old password."""
        user = await self.require_user(identity.user_id)
        authentication = AuthenticationService(self.session, self.clock)
        try:
            await authentication.check_password(user.username, current, ip=actor.ip)
        except LoginFailed:
            raise WrongCurrentPassword(
                N_("Some fields need correcting."),
                problems=[
                    FieldProblem(
                        "current_password",
                        "wrong",
                        N_("This is not your current password, or the account is locked."),
                    )
                ],
            ) from None
        inputs = [user.display_name, user.affiliation_name]
        problems = check_password(new, username=user.username, user_inputs=inputs)
        if problems:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[FieldProblem("new_password", p.code, p.message) for p in problems],
            )
        user.password_hash = hash_password(new)
        user.must_change_password = False
        await authentication.end_everything_of(
            user.id, reason="password_changed", keep_session=identity.session_secret_hash
        )
        self._audit(actor, "user.password_changed", user)

    # --- organizations ---------------------------------------------------------------------

    async def create_organization(
        self, data: OrganizationFields, *, actor: Actor, verified: bool
    ) -> Organization:
        regions = await self.regions_of(data.service_region_codes)
        organization = Organization(
            **data.model_dump(include=ORGANIZATION_COLUMNS),
            service_regions=regions,
            verification=Verification.VERIFIED if verified else Verification.PENDING,
            verified_at=self.clock() if verified else None,
        )
        organization.focus_categories = [c.value for c in data.focus_categories]
        self.session.add(organization)
        await self._flush_unique(
            "name", N_("An organization with this name or credit code exists.")
        )
        self._audit(actor, "organization.created", organization, after=snapshot(organization))
        return organization

    async def register_organization(
        self, data: OrganizationRegistration, *, actor: Actor
    ) -> tuple[Organization, User]:
        """Self-registration: pending until an administrator verifies it."""
        await self._check_new_organization(data)
        organization = await self.create_organization(data, actor=actor, verified=False)
        user = await self.create_user(
            UserCreate(
                username=data.username,
                display_name=data.display_name,
                password=data.password,
                roles=[Role.MEMBER],
                organization_id=organization.id,
            ),
            actor=actor,
            privacy_consent_at=self.clock(),
        )
        return organization, user

    async def _check_new_organization(self, data: OrganizationRegistration) -> None:
        """Everything about the registration at once, before anything is written."""
        problems = []
        if await self.organizations.exists(Organization.name == data.name):
            problems.append(
                FieldProblem("name", "taken", N_("An organization with this name exists."))
            )
        if await self.organizations.exists(Organization.credit_code == data.credit_code):
            problems.append(
                FieldProblem(
                    "credit_code", "taken", N_("An organization with this credit code exists.")
                )
            )
        if await self.users.by_username(data.username) is not None:
            problems.append(FieldProblem("username", "taken", N_("This user name is taken.")))
        problems += await self.region_problems(data.service_region_codes)
        if problems:
            raise InvalidInput(N_("Some fields need correcting."), problems=problems)

    async def require_organization(
        self, organization_id: UUID, identity: Identity | None = None, *, staff: bool = False
    ) -> Organization:
        """The organization if ``identity`` may read it (``accounts.policy``); ``staff``
        for the administrators' own pages, which their route already guards."""
        readable = true() if staff else organization_readable(identity)
        organization = await self.organizations.get_one_or_none(
            Organization.id == organization_id, readable
        )
        if organization is None:
            raise NotFound(N_("No such organization."))
        return organization

    async def list_organizations(
        self,
        page: PageRequest,
        *,
        verification: Verification | None = None,
        search: str | None = None,
    ) -> Slice[Organization]:
        items, total = await self.organizations.page(page, verification=verification, search=search)
        return Slice.of(items, total, page)

    async def set_verification(
        self, organization_id: UUID, state: Verification, *, actor: Actor
    ) -> Organization:
        organization = await self.require_organization(organization_id, staff=True)
        before = {
            "verification": organization.verification,
            "verified_at": organization.verified_at,
        }
        organization.verification = state
        if state is Verification.VERIFIED:
            organization.verified_at = self.clock()
        if state is Verification.SUSPENDED and before["verification"] is not state:
            suspended = OrganizationSuspended(organization.id, actor, self.clock())
            await ORGANIZATION_SUSPENDED.announce(self.session, suspended)
        self._audit(
            actor,
            f"organization.{state.value}",
            organization,
            before=before,
            after={"verification": state, "verified_at": organization.verified_at},
        )
        return organization

    async def regions_of(self, codes: list[str]) -> list[Region]:
        problems = await self.region_problems(codes)
        if problems:
            raise InvalidInput(N_("Some fields need correcting."), problems=problems)
        if not codes:
            return []
        return list(await self.session.scalars(select(Region).where(Region.code.in_(codes))))

    async def region_problems(self, codes: list[str]) -> list[FieldProblem]:
        if not codes:
            return []
        found = set(await self.session.scalars(select(Region.code).where(Region.code.in_(codes))))
        return [
            FieldProblem(
                "service_region_codes",
                "unknown_region",
                N_("No administrative division has the code %(code)s."),
                {"code": code},
            )
            for code in codes
            if code not in found
        ]

    # --- shared ----------------------------------------------------------------------------

    async def _flush_unique(self, field: str, message: str) -> None:
        """Flush; a uniqueness race lost to a concurrent request becomes a field problem."""
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as error:
            raise InvalidInput(message, problems=[FieldProblem(field, "taken", message)]) from error

    def _audit(
        self, actor: Actor, action: str, target: User | Organization, **changes: object
    ) -> None:
        record_change(
            self.session,
            target,
            actor=actor,
            action=action,
            at=self.clock(),
            **changes,  # type: ignore[arg-type]
        )
