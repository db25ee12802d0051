"""Settings: safe embedded defaults, environment parsing, and the production-secret refusal."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import DEVELOPMENT_SECRET, Environment, Settings

STRONG_SECRET = "k3Jx9-q2LmZ7vB4nT8wR1yC6dF0hG5sA"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "DEBUG",
        "SEARCH_URL",
        "VAR_DIR",
        "TRUSTED_PROXIES",
    ):
        monkeypatch.delenv(f"XIANGXING_{name}_FILE", raising=False)
        monkeypatch.delenv(f"XIANGXING_{name}", raising=False)


def test_defaults_run_the_embedded_mode(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert settings.env is Environment.DEVELOPMENT
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'xiangxing.db'}"
    assert settings.is_sqlite
    assert settings.search_url == ""
    assert settings.default_locale == "zh"


def test_values_come_from_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_DATABASE_URL", "postgresql+asyncpg://u:p@db:5432/x")
    monkeypatch.setenv("XIANGXING_SEARCH_URL", "http://search:7700")
    monkeypatch.setenv("XIANGXING_DATABASE_POOL_SIZE", "25")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+asyncpg://u:p@db:5432/x"
    assert not settings.is_sqlite
    assert settings.search_url == "http://search:7700"
    assert settings.database_pool_size == 25


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db"])
def test_plain_postgres_urls_get_the_async_driver(url: str) -> None:
    assert Settings(database_url=url).database_url == "postgresql+asyncpg://u@h/db"


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValidationError, match="XIANGXING_DATABASE_URL must start with"):
        Settings(database_url="mysql://u@h/db")


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_bad_numbers_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("XIANGXING_DATABASE_POOL_SIZE", value)
    with pytest.raises(ValidationError, match="database_pool_size"):
        Settings()


@pytest.mark.parametrize("value", ["0", "-0.5", "cheap"])
def test_bad_page_costs_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("XIANGXING_DATABASE_RANDOM_PAGE_COST", value)
    with pytest.raises(ValidationError, match="database_random_page_cost"):
        Settings()


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValidationError, match="default_locale"):
        Settings(default_locale="fr")


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_ENV", "production")
    with pytest.raises(ValidationError, match="XIANGXING_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("XIANGXING_SECRET_KEY", DEVELOPMENT_SECRET)
    with pytest.raises(ValidationError, match="XIANGXING_SECRET_KEY"):
        Settings()


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(env=Environment.PRODUCTION, secret_key="short-but-not-default")


def test_production_refuses_debug() -> None:
    with pytest.raises(ValidationError, match="XIANGXING_DEBUG"):
        Settings(env=Environment.PRODUCTION, secret_key=STRONG_SECRET, debug=True)


def test_production_starts_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_ENV", "production")
    monkeypatch.setenv("XIANGXING_SECRET_KEY", STRONG_SECRET)
    settings = Settings()
    assert settings.is_production
    assert settings.secret_key.get_secret_value() == STRONG_SECRET
    assert STRONG_SECRET not in repr(settings)


def test_secrets_can_come_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(STRONG_SECRET + "\n", encoding="utf-8")
    password_file = tmp_path / "db_password"
    password_file.write_text("p@ss:word/1\n", encoding="utf-8")
    monkeypatch.setenv("XIANGXING_ENV", "production")
    monkeypatch.setenv("XIANGXING_SECRET_KEY_FILE", str(secret_file))
    monkeypatch.setenv("XIANGXING_DATABASE_URL", "postgresql://xiangxing_app@db:5432/xiangxing")
    monkeypatch.setenv("XIANGXING_DATABASE_PASSWORD_FILE", str(password_file))
    settings = Settings()
    assert settings.secret_key.get_secret_value() == STRONG_SECRET, "trailing newline dropped"
    assert settings.resolved_database_url == (
        "postgresql+asyncpg://xiangxing_app:p%40ss%3Aword%2F1@db:5432/xiangxing"
    )


def test_structured_settings_from_files_are_parsed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    weights = tmp_path / "weights.json"
    weights.write_text('{"fairness": 0.2}', encoding="utf-8")
    proxies = tmp_path / "proxies"
    proxies.write_text("10.0.0.0/8,127.0.0.1\n", encoding="utf-8")
    monkeypatch.setenv("XIANGXING_MATCH_WEIGHTS_FILE", str(weights))
    monkeypatch.setenv("XIANGXING_TRUSTED_PROXIES_FILE", str(proxies))
    settings = Settings()
    assert settings.match_weights == {"fairness": 0.2}
    assert settings.trusted_proxies == ("10.0.0.0/8", "127.0.0.1/32")


def test_a_missing_secret_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XIANGXING_SECRET_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(ValueError, match=r"XIANGXING_SECRET_KEY_FILE: cannot read .*absent"):
        Settings()


def test_a_secret_and_its_file_together_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(STRONG_SECRET, encoding="utf-8")
    monkeypatch.setenv("XIANGXING_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("XIANGXING_SECRET_KEY_FILE", str(secret_file))
    with pytest.raises(ValueError, match="not both"):
        Settings()


def test_production_refusal_says_how_to_make_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_ENV", "production")
    with pytest.raises(ValidationError, match=r"secrets\.token_urlsafe"):
        Settings()


def test_trusted_proxies_are_networks_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,fd00::/8")
    assert Settings().trusted_proxies == ("10.0.0.0/8", "127.0.0.1/32", "fd00::/8")
    monkeypatch.setenv("XIANGXING_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ValidationError, match=r"'proxy\.local' is not an address or CIDR"):
        Settings()
