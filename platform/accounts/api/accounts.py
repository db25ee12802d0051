"""The accounts JSON API: tokens for scripts, the caller's identity, organizations, users."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.administration import AdministrationService
from accounts.authentication import AuthenticationService
from accounts.denials import actor_of, client_ip
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.models import Role, Verification
from accounts.policy import sees_private_of
from accounts.schemas import (
    OrganizationFields,
    OrganizationPublic,
    OrganizationRead,
    OrganizationUpdate,
    TokenIssued,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserRead,
    UserUpdate,
)
from accounts.service import AccountsService
from core.access import PUBLIC, SIGNED_IN, roles
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest


class AuthApiController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = ACCOUNT_DEPENDENCIES

    @post(
        "/token",
        opt=PUBLIC,
        status_code=HTTP_201_CREATED,
        summary="Trade a password for a token",
        responses=error_responses(400, 401),
    )
    async def issue_token(
        self,
        request: Request[Any, Any, Any],
        authentication: NamedDependency[AuthenticationService],
        data: JSONBody[TokenRequest],
    ) -> TokenIssued:
        ip = client_ip(request)
        user = await authentication.check_password(data.username, data.password, ip=ip)
        token, secret = await authentication.issue_token(
            user, name=data.name, lifetime=timedelta(days=data.days), ip=ip
        )
        return TokenIssued(access_token=secret, expires_at=token.expires_at)

    @get(
        "/tokens",
        opt=SIGNED_IN,
        summary="The caller's tokens, newest first",
        responses=error_responses(400, 401, 403),
    )
    async def list_tokens(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
        page_request: NamedDependency[PageRequest],
    ) -> Page[TokenRead]:
        page = await authentication.token_page(request.user, page_request)
        return page.to_page(TokenRead.model_validate)

    @delete(
        "/tokens/{token_id:uuid}",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(400, 401, 403, 404),
    )
    async def revoke_token(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
        token_id: FromPath[UUID],
    ) -> None:
        await authentication.revoke_token(request.user, token_id, ip=client_ip(request))


class MeApiController(Controller):
    path = "/api/v1/me"
    tags = ["auth"]

    @get(
        "/",
        opt=SIGNED_IN,
        summary="Who the token belongs to",
        responses=error_responses(401, 403),
    )
    async def me(self, request: Request[Identity, Any, Any]) -> dict[str, Any]:
        identity = request.user
        return {
            "id": str(identity.user_id),
            "username": identity.username,
            "display_name": identity.display_name,
            "roles": sorted(role.value for role in identity.roles),
            "affiliation": identity.affiliation_name,
            "reviewer_categories": sorted(c.value for c in identity.reviewer_categories),
        }


class OrganizationApiController(Controller):
    path = "/api/v1/organizations"
    tags = ["organizations"]
    dependencies = ACCOUNT_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Verified organizations (public view)",
        responses=error_responses(400),
    )
    async def list_organizations(
        self,
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
        q: Annotated[str | None, QueryParameter(max_length=50)] = None,
    ) -> Page[OrganizationPublic]:
        page = await accounts.list_organizations(
            page_request, verification=Verification.VERIFIED, search=q
        )
        return page.to_page(OrganizationPublic.model_validate)

    @get(
        "/{organization_id:uuid}",
        opt=SIGNED_IN,
        summary="One organization; its credit code and contact where the policy shows them",
        responses=error_responses(400, 401, 403, 404),
    )
    async def get_organization(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        organization_id: FromPath[UUID],
    ) -> OrganizationRead | OrganizationPublic:
        organization = await accounts.require_organization(organization_id, request.user)
        if sees_private_of(request.user, organization):
            return OrganizationRead.model_validate(organization)
        return OrganizationPublic.model_validate(organization)

    @post(
        "/",
        opt={**roles(Role.ADMIN), **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Create (verified)",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_organization(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        data: JSONBody[OrganizationFields],
    ) -> OrganizationRead:
        organization = await accounts.create_organization(
            data, actor=actor_of(request), verified=True
        )
        return OrganizationRead.model_validate(organization)

    @put(
        "/{organization_id:uuid}",
        opt=roles(Role.ADMIN),
        summary="Edit every field",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def update_organization(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        organization_id: FromPath[UUID],
        data: Annotated[OrganizationUpdate, Body(description="Every field, and the version seen")],
    ) -> OrganizationRead:
        organization = await administration.update_organization(
            organization_id, data, actor=actor_of(request)
        )
        return OrganizationRead.model_validate(organization)

    @post(
        "/{organization_id:uuid}/{verification:str}",
        opt=roles(Role.ADMIN),
        status_code=200,
        responses=error_responses(400, 401, 403, 404),
    )
    async def set_verification(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        organization_id: FromPath[UUID],
        verification: FromPath[Verification],
    ) -> OrganizationRead:
        """``verified`` (again: re-verification stamps a new date), ``suspended`` or back to
        ``pending``."""
        organization = await accounts.set_verification(
            organization_id, verification, actor=actor_of(request)
        )
        return OrganizationRead.model_validate(organization)


class UserApiController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    dependencies = ACCOUNT_DEPENDENCIES
    opt = roles(Role.ADMIN)

    @get(
        "/",
        summary="Users (administrators only)",
        responses=error_responses(400, 401, 403),
    )
    async def list_users(
        self,
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
        q: Annotated[str | None, QueryParameter(max_length=50)] = None,
        role: Annotated[Role | None, QueryParameter()] = None,
    ) -> Page[UserRead]:
        page = await accounts.list_users(page_request, search=q, role=role)
        return page.to_page(UserRead.model_validate)

    @post(
        "/",
        opt=IDEMPOTENT,
        status_code=HTTP_201_CREATED,
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_user(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        data: JSONBody[UserCreate],
    ) -> UserRead:
        user = await accounts.create_user(data, actor=actor_of(request))
        return UserRead.model_validate(user)

    @post(
        "/{user_id:uuid}/deactivate",
        status_code=200,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def deactivate(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        user_id: FromPath[UUID],
    ) -> UserRead:
        user = await accounts.set_active(user_id, False, actor=actor_of(request))
        return UserRead.model_validate(user)

    @post(
        "/{user_id:uuid}/activate", status_code=200, responses=error_responses(400, 401, 403, 404)
    )
    async def activate(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        user_id: FromPath[UUID],
    ) -> UserRead:
        user = await accounts.set_active(user_id, True, actor=actor_of(request))
        return UserRead.model_validate(user)

    @put(
        "/{user_id:uuid}",
        summary="Change roles, display name, affiliation, categories",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def update_user(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        user_id: FromPath[UUID],
        data: Annotated[UserUpdate, Body(description="The account's new roles and affiliation")],
    ) -> UserRead:
        user = await administration.update_user(user_id, data, actor=actor_of(request))
        return UserRead.model_validate(user)

    @post(
        "/{user_id:uuid}/unlock",
        status_code=200,
        summary="End a lockout after failed sign-ins",
        responses=error_responses(400, 401, 403, 404),
    )
    async def unlock(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        user_id: FromPath[UUID],
    ) -> UserRead:
        user = await administration.unlock_user(user_id, actor=actor_of(request))
        return UserRead.model_validate(user)
