"""``create_app()``: the one place where settings, database, templates and domains meet."""

from __future__ import annotations

import hashlib
import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router
from litestar_granian import GranianPlugin

from core.database import build_db_config
from core.http_errors import EXCEPTION_HANDLERS
from core.paths import STATIC_DIR
from core.settings import Settings, get_settings
from core.templating import build_template_config
from regions.controllers import RegionApiController, RegionPageController
from xiangxing import __doc__ as _package_doc
from xiangxing.health import HealthController
from xiangxing.home import HomeController
from xiangxing.language import LanguageController

SESSION_COOKIE = "xx_session"
SESSION_MAX_AGE_SECONDS = 12 * 3600
STATIC_MAX_AGE_SECONDS = 24 * 3600

ROUTE_HANDLERS = [
    HomeController,
    LanguageController,
    HealthController,
    RegionPageController,
    RegionApiController,
]


def _session_config(settings: Settings) -> CookieBackendConfig:
    """An encrypted cookie; nothing is stored server-side for anonymous visitors."""
    key = hashlib.sha256(settings.secret_key.get_secret_value().encode()).digest()
    return CookieBackendConfig(
        secret=key,
        key=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )


def create_app(
    settings: Settings | None = None, *, db_config: SQLAlchemyAsyncConfig | None = None
) -> Litestar:
    """Build the web app; tests pass their own settings and a transaction-bound db config."""
    settings = settings or get_settings()
    db_config = db_config or build_db_config(settings)
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
            ),
        ],
        dependencies={"settings": Provide(lambda: settings, sync_to_thread=False)},
        plugins=[
            SQLAlchemyPlugin(config=db_config),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            GranianPlugin(),
        ],
        middleware=[_session_config(settings).middleware],
        template_config=template_config,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        openapi_config=OpenAPIConfig(
            title="乡兴 Xiangxing API",
            version="1",
            description=_package_doc,
            path="/api/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        logging_config=LoggingConfig(
            root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        state=State({"settings": settings, "default_locale": settings.default_locale}),
        debug=settings.debug,
    )
