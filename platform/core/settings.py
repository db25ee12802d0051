"""Settings read from ``XIANGXING_*`` environment variables.

Defaults run the embedded mode (SQLite and the embedded search engine under ``var/``) with no
configuration at all; production refuses to start until it is given a real secret.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from core.paths import DEFAULT_VAR_DIR

DEVELOPMENT_SECRET = "xiangxing-development-secret-do-not-use-in-production"  # noqa: S105
MIN_PRODUCTION_SECRET_LENGTH = 32
SUPPORTED_DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")
ENV_PREFIX = "XIANGXING_"
FILE_SUFFIX = "_FILE"
MAKE_A_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105
"""How to make a production secret: said wherever one is refused."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class FileVariables(PydanticBaseSettingsSource):
    """``XIANGXING_<NAME>_FILE=/run/secrets/…``: the setting's value is that file's content.

    Container secrets arrive as files; a secret in a file stays out of ``docker inspect``, the
    process table and the environment of every child process."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = f"{ENV_PREFIX}{field_name.upper()}"
        path = os.environ.get(variable + FILE_SUFFIX)
        if not path:
            return None, field_name, False
        if os.environ.get(variable):
            msg = f"set {variable} or {variable}{FILE_SUFFIX}, not both"
            raise ValueError(msg)
        try:
            return Path(path).read_text(encoding="utf-8").strip(), field_name, False
        except OSError as exc:
            msg = f"{variable}{FILE_SUFFIX}: cannot read {path} ({exc.strerror})"
            raise ValueError(msg) from exc

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field_name, field in self.settings_cls.model_fields.items():
            value, key, is_complex = self.get_field_value(field, field_name)
            if value is not None:
                values[key] = self.prepare_field_value(field_name, field, value, is_complex)
        return values


class Settings(BaseSettings):
    """Every setting the platform reads; the README's settings table mirrors this class."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = ""
    database_password: SecretStr = SecretStr("")
    """Put into the database URL when it names none: lets the password come from a file."""
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_random_page_cost: float = Field(default=1.1, gt=0, le=100)
    """PostgreSQL's cost of a random page read, sent when the app connects. Its default (4)
    assumes spinning disks and made the planner scan tables where our indexes, read from
    memory or SSD, answer in a quarter of the time; 4 again suits a database on spinning disks."""
    database_pgbouncer: bool = False
    """The database URL names a PgBouncer in transaction mode: the app sends no setting when
    it connects (PgBouncer refuses them; give the database the page cost instead) and keeps no
    prepared statement beyond the one it runs, whose name is its own, since the next
    transaction may run on another server connection."""
    search_url: str = ""
    search_api_key: SecretStr = SecretStr("")
    search_index: str = Field(default="xiangxing", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    search_memory_seconds: float = Field(default=2.0, ge=0, le=60)
    """How long an app answers a repeated search from memory; 0 asks the engine every time."""
    search_indexer: bool = True
    """Run the search indexer inside the app; off when ``xiangxing search worker`` runs apart."""
    jobs_in_app: bool = True
    """Run the periodic jobs (`core.jobs`) inside the app; off when ``xiangxing worker`` runs
    them apart, and in tests, which run them by hand."""
    default_locale: str = Field(default="zh", pattern=r"^(zh|en)$")
    match_weights: dict[str, float] = Field(default_factory=dict)
    """Pairing score weights by component name, as JSON; the ones left out keep their default.
    The matching package checks the names, since this module knows none of them."""
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    """Addresses or networks (CIDR) of the reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed; anyone else could write any address in them."""
    plan_min_score: float = Field(default=0.5, ge=0, le=1)
    """A signing event's plan adds pairs beyond covering each county only from this score up,
    and only with evidence (the same or a related sub-category, or shared words)."""
    plan_time_limit_minutes: int = Field(default=60, ge=1, le=24 * 60)
    """A signing event's planning process still running after this long is stopped and its
    run reported failed (a province's plan takes minutes)."""
    plan_ready_minutes: float = Field(default=15, ge=0, le=24 * 60)
    """After a plan, and when an event's page is opened, a planning process is started ahead
    and waits this long for the next plan, which then skips the start-up (about 2 s of CPU);
    it holds about 0.17 GB while it waits. 0: every plan starts its own process."""
    iati_reporting_org_ref: str = Field(default="CN-ZHAOTONG-MZJ", min_length=3, max_length=100)
    """The bureau's IATI organisation identifier, the reporting-org of the open-data export and
    the prefix of every activity's identifier; set the identifier the bureau registered."""
    iati_reporting_org_name: str = Field(default="昭通市民政局", min_length=1, max_length=100)
    debug: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, FileVariables(settings_cls), dotenv_settings)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> tuple[str, ...]:
        """A comma-separated list of addresses or CIDR networks, each checked."""
        if isinstance(value, str):
            items: Iterable[object] = value.split(",")
        elif isinstance(value, Iterable):
            items = value
        elif value is None:
            items = ()
        else:
            msg = "give addresses or networks separated by commas"
            raise ValueError(msg)
        networks = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            try:
                networks.append(str(ipaddress.ip_network(text, strict=False)))
            except ValueError as exc:
                msg = f"XIANGXING_TRUSTED_PROXIES: {text!r} is not an address or CIDR network"
                raise ValueError(msg) from exc
        return tuple(networks)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        """Accept the usual PostgreSQL URL spellings and name the async driver we ship."""
        for plain in ("postgres://", "postgresql://"):
            if url.startswith(plain):
                return "postgresql+asyncpg://" + url.removeprefix(plain)
        if url and not url.startswith(SUPPORTED_DATABASE_SCHEMES):
            schemes = ", ".join(SUPPORTED_DATABASE_SCHEMES)
            msg = f"XIANGXING_DATABASE_URL must start with one of {schemes}"
            raise ValueError(msg)
        return url

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEVELOPMENT_SECRET or len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
                msg = (
                    "XIANGXING_SECRET_KEY must be set to a random value of at least "
                    f"{MIN_PRODUCTION_SECRET_LENGTH} characters in production; "
                    f"make one with: {MAKE_A_SECRET}"
                )
                raise ValueError(msg)
            if self.debug:
                msg = "XIANGXING_DEBUG must be off in production"
                raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL (with the password setting put in), or the embedded SQLite
        file under ``var_dir``."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{self.var_dir / 'xiangxing.db'}"
        password = self.database_password.get_secret_value()
        url = make_url(self.database_url)
        if not password or url.password:
            return self.database_url
        return url.set(password=password).render_as_string(hide_password=False)

    @property
    def uses_development_secret(self) -> bool:
        return self.secret_key.get_secret_value() == DEVELOPMENT_SECRET

    @property
    def search_dir(self) -> Path:
        """Where the embedded search engine keeps its index files."""
        return self.var_dir / "search"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
