"""``pg_dump`` and ``pg_restore`` for the configured PostgreSQL database.

pg_dump refuses a server newer than itself, and a machine's PATH often holds an older client
than the server it talks to (Debian ships one per major version under
``/usr/lib/postgresql/<major>/bin``). So the tool is chosen for the server: the PATH's if its
major version is at least the server's, else the newest installed one that is. The connection
goes through libpq's environment variables, which keep the password out of the process list.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

INSTALLED_VERSIONS = Path("/usr/lib/postgresql")


class PgToolError(RuntimeError):
    """The PostgreSQL client tool is missing, too old, or failed (its message says which)."""


def libpq_environment(database_url: str) -> dict[str, str]:
    """The process environment with ``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD`` and
    ``PGDATABASE`` taken from the URL."""
    url = make_url(database_url)
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    return {**os.environ, **{name: str(value) for name, value in settings.items() if value}}


async def _major_version(tool: str) -> int | None:
    process = await asyncio.create_subprocess_exec(
        tool, "--version", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    output, _ = await process.communicate()
    found = re.search(rb"\) (\d+)", output)
    return int(found.group(1)) if found else None


async def find_tool(name: str, server_major: int) -> str:
    """The path of ``name`` (pg_dump, pg_restore) whose major version is at least the server's."""
    candidates = []
    if on_path := shutil.which(name):
        candidates.append(on_path)
    candidates += _installed(name)
    seen = []
    for candidate in candidates:
        major = await _major_version(candidate)
        seen.append(f"{candidate} ({major})")
        if major is not None and major >= server_major:
            return candidate
    found = ", ".join(seen) or "none"
    msg = (
        f"{name} {server_major} or newer is needed for this PostgreSQL {server_major} server "
        f"(found: {found}); install the client of that version, "
        f"e.g. postgresql-client-{server_major}"
    )
    raise PgToolError(msg)


def _installed(name: str) -> list[str]:
    """Debian's per-version clients, newest first."""

    def version(path: Path) -> int:
        return int(path.parts[-3]) if path.parts[-3].isdigit() else 0

    return [
        str(path)
        for path in sorted(INSTALLED_VERSIONS.glob(f"*/bin/{name}"), key=version, reverse=True)
    ]


async def run_tool(tool: str, arguments: list[str], database_url: str) -> None:
    """Run the tool against the database; its own error output becomes the error message."""
    process = await asyncio.create_subprocess_exec(
        tool,
        *arguments,
        env=libpq_environment(database_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        detail = errors.decode(errors="replace").strip()[-2000:]
        msg = f"{Path(tool).name} failed (exit {process.returncode}): {detail}"
        raise PgToolError(msg)
