"""Filesystem locations anchored to this file, never to the working directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "platform" / "migrations"
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
LOCALE_DIR = PROJECT_ROOT / "locale"
