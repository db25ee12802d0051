"""Schemathesis against the served OpenAPI document, as an anonymous visitor, an organization
member and an administrator: no generated request may get a server error (issue 10, proof).

The demo is served on a port of its own (a real server on a throwaway SQLite database with the
demo accounts), and Schemathesis's command line sends at most 20 examples per operation in
its examples and fuzzing phases, one process per role; the coverage phase and stateful links
are off, and the docs pages under /api/schema are left out, to keep the run near a minute.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.served_demo import BIN, served_demo
from xiangxing.demo import DEMO_PASSWORD

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("XIANGXING_TEST_DATABASE_URL")),
    reason="the fuzzed server runs the demo on SQLite of its own: once, in the SQLite pass",
)

ROLES = {"anonymous": None, "member": "org_member", "admin": "admin"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[tuple[str, Path]]:
    var_dir = tmp_path_factory.mktemp("fuzz-var")
    with served_demo(demo_file, var_dir) as base:
        yield base, var_dir


def _token(served_url: str, username: str) -> str:
    answer = httpx.post(
        f"{served_url}/api/v1/auth/token",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["access_token"])


def _schemathesis(served_url: str, username: str | None, work_dir: Path) -> subprocess.Popen[str]:
    """One single-threaded Schemathesis run as ``username`` (anonymous when None)."""
    headers = (
        [] if username is None else ["-H", f"Authorization: Bearer {_token(served_url, username)}"]
    )
    work_dir.mkdir()
    return subprocess.Popen(  # noqa: S603 - Schemathesis from this environment
        [
            str(BIN / "schemathesis"),
            "run",
            f"{served_url}/api/schema/openapi.json",
            "--max-examples",
            "20",
            "--phases",
            "examples,fuzzing",
            "--checks",
            "not_a_server_error",
            "--seed",
            "20261204",
            "--workers",
            "1",
            "--exclude-path-regex",
            "^/api/schema",
            "--no-color",
            *headers,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=work_dir,  # Schemathesis keeps its caches in the working directory
    )


def test_no_generated_request_gets_a_server_error(served: tuple[str, Path]) -> None:
    """The roles run side by side, each in a process of its own with one thread: CPython 3.11.7
    races when Hypothesis parses lambdas in several threads of one process (gh-106905), which
    surfaced as ``SystemError: AST constructor recursion depth mismatch``."""
    served_url, var_dir = served
    runs = {
        role: _schemathesis(served_url, username, var_dir / role)
        for role, username in ROLES.items()
    }
    outputs = {role: run.communicate(timeout=600)[0] for role, run in runs.items()}
    for role, run in runs.items():
        assert run.returncode == 0, f"{role}: {outputs[role][-6000:]}"
        assert " passed" in outputs[role], f"{role}: {outputs[role][-2000:]}"
