"""Settings read from ``XIANGXING_*`` environment variables.

Defaults run the embedded mode (SQLite and the embedded search engine under ``var/``) with no
configuration at all; production refuses to start until it is given a real secret.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import DEFAULT_VAR_DIR

DEVELOPMENT_SECRET = "xiangxing-development-secret-do-not-use-in-production"  # noqa: S105
MIN_PRODUCTION_SECRET_LENGTH = 32
SUPPORTED_DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class Settings(BaseSettings):
    """Every setting the platform reads; the README's settings table mirrors this class."""

    model_config = SettingsConfigDict(env_prefix="XIANGXING_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = ""
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    search_url: str = ""
    search_api_key: SecretStr = SecretStr("")
    search_index: str = Field(default="xiangxing", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    search_memory_seconds: float = Field(default=2.0, ge=0, le=60)
    """How long an app answers a repeated search from memory; 0 asks the engine every time."""
    search_indexer: bool = True
    """Run the search indexer inside the app; off when ``xiangxing search worker`` runs apart."""
    default_locale: str = Field(default="zh", pattern=r"^(zh|en)$")
    match_weights: dict[str, float] = Field(default_factory=dict)
    """Pairing score weights by component name, as JSON; the ones left out keep their default.
    The matching package checks the names, since this module knows none of them."""
    plan_min_score: float = Field(default=0.5, ge=0, le=1)
    """A signing event's plan adds pairs beyond covering each county only from this score up,
    and only with evidence (the same or a related sub-category, or shared words)."""
    debug: bool = False

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
                    f"{MIN_PRODUCTION_SECRET_LENGTH} characters in production"
                )
                raise ValueError(msg)
            if self.debug:
                msg = "XIANGXING_DEBUG must be off in production"
                raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under ``var_dir``."""
        return self.database_url or f"sqlite+aiosqlite:///{self.var_dir / 'xiangxing.db'}"

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
