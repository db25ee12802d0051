"""``create_app()``: the one place where settings, database, templates and domains meet."""

from __future__ import annotations

import gc
import hashlib
import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from granian.utils.proxies import wrap_asgi_with_proxy_headers
from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.logging import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router
from litestar_granian import GranianPlugin

from accounts.api.accounts import (
    AuthApiController,
    MeApiController,
    OrganizationApiController,
    UserApiController,
)
from accounts.api.directory import DepartmentApiController, StationApiController
from accounts.denials import handle_not_authenticated, handle_permission_denied
from accounts.middleware import IdentityMiddleware
from accounts.pages.account import AccountController
from accounts.pages.admin import AdminController
from accounts.pages.admin_audit import AuditLogController
from accounts.pages.admin_directory import AdminDirectoryController
from accounts.pages.admin_edit import AdminEditController
from accounts.pages.sign_in import SignInController
from accounts.password_gate import send_to_password_page
from agreements.api import AgreementApiController
from agreements.pages.detail import AgreementPageController
from agreements.pages.drafting import AgreementDraftingController
from agreements.pages.gathered import GatheredAgreementsController
from agreements.pages.listing import AgreementListController
from catalogue.api import CategoryApiController
from core.access import PUBLIC, enforce_access
from core.clock import Clock, utc_now
from core.database import TransactionIntentMiddleware, build_db_config
from core.errors import PermissionDenied
from core.http_errors import EXCEPTION_HANDLERS
from core.idempotency import IdempotencyMiddleware
from core.jobs import JobRunner
from core.paths import STATIC_DIR
from core.recent import PublicMemory, RecentAnswers
from core.retries import RetryMiddleware
from core.security_headers import security_headers
from core.settings import Settings, get_settings
from core.templating import build_template_config
from demand.api.needs import NeedApiController
from demand.api.photos import NeedPhotoApiController
from demand.pages.needs import MyNeedsController
from demand.pages.photos import NeedMediaController, NeedPhotoPageController
from followup.api import FollowUpApiController
from followup.pages import FollowUpPageController
from funds.api import LedgerApiController, LedgerExportApiController
from funds.pages import MoneyPageController
from listings.api import TransferApiController
from listings.pages.catalogue import CataloguePageController
from listings.pages.imports import ImportPageController
from listings.pages.regions import RegionEntriesPageController
from listings.pages.review import ReviewExportController, ReviewPageController
from listings.review_api import ReviewApiController
from matching.api.events import EventApiController
from matching.api.proposals import ProposalApiController
from matching.api.suggestions import SuggestionApiController
from matching.pages.pairings import MatchingPageController
from matching.pages.picker import EventPickerController
from matching.pages.signing import SigningPageController
from monitoring.api.exports import ExportApiController
from monitoring.api.stats import StatsApiController
from monitoring.dashboard_pages import DashboardController
from monitoring.pages import TransparencyController
from monitoring.review_pages import HalfYearReviewController
from outcomes.api import ReportApiController
from outcomes.pages import OutcomesPageController
from outcomes.photo_api import ReportPhotoApiController
from regions.api import RegionApiController
from regions.pages import RegionPageController
from search.api import SearchApiController
from search.pages import SearchPageController
from search.runtime import SearchRuntime
from supply.api import OfferApiController
from supply.pages import MyOffersController
from xiangxing import __doc__ as _package_doc
from xiangxing.api_docs import LinkedJsonRenderPlugin, LocalSwaggerRenderPlugin
from xiangxing.audit_names import register_audit_names
from xiangxing.health import HealthController
from xiangxing.home import HomeController
from xiangxing.jobs import scheduled_jobs
from xiangxing.language import LanguageController
from xiangxing.wiring import register_listeners

SESSION_COOKIE = "xx_session"
SESSION_MAX_AGE_SECONDS = 12 * 3600
STATIC_MAX_AGE_SECONDS = 24 * 3600

CSRF_COOKIE = "xx_csrf"
UNAUTHENTICATED_PATHS = ["^/static/", "^/health"]

ROUTE_HANDLERS = [
    HomeController,
    LanguageController,
    HealthController,
    RegionPageController,
    RegionApiController,
    SignInController,
    AccountController,
    AdminController,
    AuditLogController,
    AdminDirectoryController,
    AdminEditController,
    AuthApiController,
    MeApiController,
    OrganizationApiController,
    StationApiController,
    DepartmentApiController,
    UserApiController,
    CategoryApiController,
    OfferApiController,
    NeedApiController,
    CataloguePageController,
    RegionEntriesPageController,
    ReviewPageController,
    ReviewApiController,
    ReviewExportController,
    MyNeedsController,
    MyOffersController,
    TransferApiController,
    ImportPageController,
    NeedPhotoApiController,
    NeedMediaController,
    AgreementApiController,
    ReportApiController,
    ReportPhotoApiController,
    LedgerApiController,
    LedgerExportApiController,
    StatsApiController,
    ExportApiController,
    TransparencyController,
    HalfYearReviewController,
    DashboardController,
    NeedPhotoPageController,
    SearchApiController,
    SearchPageController,
    SuggestionApiController,
    ProposalApiController,
    EventApiController,
    MatchingPageController,
    SigningPageController,
    EventPickerController,
    AgreementListController,
    AgreementDraftingController,
    GatheredAgreementsController,
    AgreementPageController,
    MoneyPageController,
    OutcomesPageController,
    FollowUpApiController,
    FollowUpPageController,
]


def _derived_key(settings: Settings, purpose: str) -> bytes:
    """A separate 32-byte key per purpose, derived from the one configured secret."""
    secret = settings.secret_key.get_secret_value()
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def _session_config(settings: Settings) -> CookieBackendConfig:
    """An encrypted cookie; nothing is stored server-side for anonymous visitors."""
    key = _derived_key(settings, "session")
    return CookieBackendConfig(
        secret=key,
        key=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )


def _csrf_config(settings: Settings) -> CSRFConfig:
    """Every unsafe browser request carries the token; ``/api`` authenticates by bearer token
    only (the identity middleware ignores cookies there), so it needs none."""
    return CSRFConfig(
        secret=_derived_key(settings, "csrf").hex(),
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.is_production,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=["^/api/"],
    )


def _proxy_middleware(settings: Settings) -> list[DefineMiddleware]:
    """Behind the reverse proxy every peer is the proxy: the client's address and scheme
    (for the audit log, the lockout record and redirects) come from its ``X-Forwarded-For``
    and ``X-Forwarded-Proto``, believed only from the configured trusted proxies (Granian's
    own wrapper)."""
    if not settings.trusted_proxies:
        return []
    trusted = list(settings.trusted_proxies)
    return [DefineMiddleware(wrap_asgi_with_proxy_headers, trusted_hosts=trusted)]


def app_state(settings: Settings, db_config: SQLAlchemyAsyncConfig, clock: Clock) -> State:
    """What an app keeps beside its routes: settings, clock, search engine, job runner, recent
    answers.

    Dependencies and start-up hooks read them from here rather than from closures, so that
    the tests can build the app once and give it a fresh state (its own ``var/`` and search
    index, empty memories) for every test.
    """
    return State(
        {
            "settings": settings,
            "default_locale": settings.default_locale,
            "clock": clock,
            "db_config": db_config,
            "search": SearchRuntime(settings, db_config, clock),
            "jobs": JobRunner(db_config.create_session_maker(), scheduled_jobs(settings), clock),
            "public_memory": PublicMemory(
                searches=RecentAnswers(ttl=settings.search_memory_seconds)
            ),
        }
    )


def _settings(state: State) -> Settings:
    return state.settings


def _clock(state: State) -> Clock:
    return state.clock


def _public_memory(state: State) -> PublicMemory:
    return state.public_memory


async def _start_search(app: Litestar) -> None:
    await app.state.search.start(app)


async def _stop_search(app: Litestar) -> None:
    await app.state.search.stop(app)


async def _start_jobs(app: Litestar) -> None:
    if app.state.settings.jobs_in_app:
        await app.state.jobs.start()


async def _stop_jobs(app: Litestar) -> None:
    await app.state.jobs.stop()


async def _freeze_start_up_objects() -> None:
    """The modules, routes, templates and reference tables built by now live as long as the
    worker: frozen out of the garbage collector's passes, its full collections stop walking
    them on every cycle, which long pages and workbooks trigger often."""
    gc.freeze()


def create_served_app() -> Litestar:
    """The app as a served worker runs it (`xiangxing serve`): `create_app` with the objects
    of its start frozen once it has started. Tests keep `create_app`, which builds many apps
    in one process."""
    app = create_app()
    app.on_startup.append(_freeze_start_up_objects)
    return app


def create_app(
    settings: Settings | None = None,
    *,
    db_config: SQLAlchemyAsyncConfig | None = None,
    clock: Clock = utc_now,
) -> Litestar:
    """Build the web app; tests pass their own settings, a transaction-bound db config and
    a clock they control."""
    settings = settings or get_settings()
    db_config = db_config or build_db_config(settings)
    register_listeners()
    register_audit_names()
    template_config = build_template_config()
    return Litestar(
        route_handlers=[
            *ROUTE_HANDLERS,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                name="static",
                cache_control=CacheControlHeader(max_age=STATIC_MAX_AGE_SECONDS),
                include_in_schema=False,
                opt=PUBLIC,
            ),
        ],
        guards=[enforce_access],
        before_request=send_to_password_page,
        on_startup=[_start_search, _start_jobs],
        on_shutdown=[_stop_search, _stop_jobs],
        dependencies={
            "settings": Provide(_settings, sync_to_thread=False),
            "clock": Provide(_clock, sync_to_thread=False),
            "public_memory": Provide(_public_memory, sync_to_thread=False),
        },
        plugins=[
            SQLAlchemyPlugin(config=db_config),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            GranianPlugin(),
        ],
        middleware=[
            *_proxy_middleware(settings),
            TransactionIntentMiddleware,
            DefineMiddleware(RetryMiddleware, db_config=db_config),
            _session_config(settings).middleware,
            DefineMiddleware(
                IdentityMiddleware, db_config=db_config, exclude=UNAUTHENTICATED_PATHS
            ),
            DefineMiddleware(IdempotencyMiddleware, db_config=db_config),
        ],
        before_send=[security_headers(production=settings.is_production)],
        csrf_config=_csrf_config(settings),
        template_config=template_config,
        exception_handlers={
            **EXCEPTION_HANDLERS,  # type: ignore[dict-item]  # Litestar types handlers by Exception, ours name their own class
            NotAuthorizedException: handle_not_authenticated,
            PermissionDenied: handle_permission_denied,
        },
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        openapi_config=OpenAPIConfig(
            title="乡兴 Xiangxing API",
            version="1",
            description=_package_doc,
            path="/api/schema",
            render_plugins=[LocalSwaggerRenderPlugin(), LinkedJsonRenderPlugin()],
            openapi_router=Router(path="/api/schema", route_handlers=[], opt=PUBLIC),
        ),
        logging_config=LoggingConfig(
            root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        state=app_state(settings, db_config, clock),
        debug=settings.debug,
    )
