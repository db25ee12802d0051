"""Dependency providers for the accounts controllers."""

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.administration import AdministrationService
from accounts.authentication import AuthenticationService
from accounts.service import AccountsService
from core.clock import Clock
from core.pagination import provide_page_request


async def provide_accounts(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AccountsService:
    return AccountsService(db_session, clock)


async def provide_authentication(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AuthenticationService:
    return AuthenticationService(db_session, clock)


async def provide_administration(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AdministrationService:
    return AdministrationService(db_session, clock)


ACCOUNT_DEPENDENCIES = {
    "administration": Provide(provide_administration),
    "accounts": Provide(provide_accounts),
    "authentication": Provide(provide_authentication),
    "page_request": Provide(provide_page_request),
}
