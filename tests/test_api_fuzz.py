"""Schemathesis against the served OpenAPI document, as every role of the platform, with its
stateful phase following the document's links (create → read → step → answer): no generated
request may get a server error, an answer outside its documented schema, content type or
headers, or a status the operation does not document, and along the links a row just made is
found and one just deleted is gone (issues 10 and 20).

Each role fuzzes a demo of its own (a real server on a throwaway SQLite database with the demo
accounts), so that what one role changes — an administrator suspending the organization a
member signs in for — cannot turn another role's run into 401s; ``tests/fuzz_hooks.py`` keeps a
run from revoking its own token and gives the creates bodies modelled on the role's demo, and
the test prints, per role, the links followed to a 2xx. ``XIANGXING_FUZZ_EXAMPLES`` sets the
examples per operation (and ten times as many stateful scenarios): 10 in the test suite, 100
in the scheduled long run. The docs pages under /api/schema are left out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.fuzz_links import links_followed, summary
from tests.served_demo import BIN, served_demos
from xiangxing.demo import DEMO_PASSWORD

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("XIANGXING_TEST_DATABASE_URL")),
    reason="the fuzzed servers run the demo on SQLite of their own: once, in the SQLite pass",
)

ROLES = {
    "anonymous": None,
    "member": "org_member",
    "station_worker": "station_worker",
    "reviewer": "reviewer",
    "viewer": "viewer",
    "admin": "admin",
}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "use_after_free",
    "ensure_resource_availability",
)
EXAMPLES = int(os.environ.get("XIANGXING_FUZZ_EXAMPLES", "10"))
HOOKS = Path(__file__).with_name("fuzz_hooks.py")
RUN_SECONDS = 600 + 60 * EXAMPLES
EVENTS = "events.ndjson"
FLOOR = {
    "member": ("POST /api/v1/offers",),
    "station_worker": ("POST /api/v1/needs",),
    "reviewer": ("POST /api/v1/agreements/paper", "POST /api/v1/events", "POST /api/v1/needs"),
}
"""Each of these roles follows at least one link from one of its own creates to a 2xx: bodies
made from nothing never got that far (0 of 258 links from a create in the run before
``tests/fuzz_world.py``). Which of a role's creates a run starts from varies between runs."""
SCENARIOS = 10 * EXAMPLES
STATEFUL_CONFIG = f"""
[phases.stateful.generation]
max-examples = {SCENARIOS}
mode = "positive"

[phases.stateful.inference]
algorithms = []
"""
"""The stateful phase walks ``SCENARIOS`` sequences along the document's own links only (the
links Schemathesis infers, 185 of them, mostly from list reads to reads, made every list a
starting point, and the creates that start the work were seldom drawn at all), with bodies
that follow the schemas: malformed ones stop a sequence at its first step, and the fuzzing
phase sends them anyway."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[dict[str, str]]:
    """The base URL of each role's demo."""
    var_dirs = [tmp_path_factory.mktemp(f"fuzz-{role}") for role in ROLES]
    with served_demos(demo_file, var_dirs) as bases:
        yield dict(zip(ROLES, bases, strict=True))


def _signed_in(served_url: str, username: str) -> tuple[str, str]:
    """A new API token of ``username`` and its id (to keep the run from revoking it)."""
    issued = httpx.post(
        f"{served_url}/api/v1/auth/token",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert issued.status_code == 201, issued.text
    token = str(issued.json()["access_token"])
    listed = httpx.get(
        f"{served_url}/api/v1/auth/tokens", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    (token_id,) = [t["id"] for t in listed.json()["items"] if token.startswith(t["prefix"])]
    return token, token_id


def _schemathesis(served_url: str, username: str | None, work_dir: Path) -> subprocess.Popen[str]:
    """One single-threaded Schemathesis run as ``username`` (anonymous when None)."""
    headers: list[str] = []
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(HOOKS),
        "PYTHONPATH": str(REPO_ROOT),  # the hooks import tests.fuzz_world
        "XIANGXING_FUZZ_BASE_URL": served_url,
    }
    if username is not None:
        token, token_id = _signed_in(served_url, username)
        headers = ["-H", f"Authorization: Bearer {token}"]
        environment["XIANGXING_FUZZ_TOKEN"] = token
        environment["XIANGXING_FUZZ_TOKEN_ID"] = token_id
    work_dir.mkdir()
    config = work_dir / "schemathesis.toml"
    config.write_text(STATEFUL_CONFIG, encoding="utf-8")
    return subprocess.Popen(  # noqa: S603 - Schemathesis from this environment
        [
            str(BIN / "schemathesis"),
            "--config-file",
            str(config),
            "run",
            f"{served_url}/api/schema/openapi.json",
            "--max-examples",
            str(EXAMPLES),
            "--phases",
            "examples,fuzzing,stateful",
            "--checks",
            ",".join(CHECKS),
            "--seed",
            "20261206",
            "--workers",
            "1",
            "--exclude-path-regex",
            "^/api/schema",
            "--no-color",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            EVENTS,
            *headers,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=work_dir,  # Schemathesis keeps its caches in the working directory
        env=environment,
    )


def test_no_generated_request_or_sequence_breaks_the_contract(
    served: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The roles run side by side, each in a process of its own with one thread: CPython 3.11.7
    races when Hypothesis parses lambdas in several threads of one process (gh-106905), which
    surfaced as ``SystemError: AST constructor recursion depth mismatch``."""
    runs = {
        role: _schemathesis(served[role], username, tmp_path / role)
        for role, username in ROLES.items()
    }
    outputs = {role: run.communicate(timeout=RUN_SECONDS)[0] for role, run in runs.items()}
    reports = {role: tmp_path / role / EVENTS for role in ROLES}
    followed = {role: links_followed(reports[role]) for role in ROLES if reports[role].exists()}
    with capsys.disabled():
        print()
        for role, links in followed.items():
            print(summary(role, links))
    for role, run in runs.items():
        assert run.returncode == 0, f"{role}: {outputs[role][-6000:]}"
        assert " passed" in outputs[role], f"{role}: {outputs[role][-2000:]}"
        assert "API Links:" in outputs[role], f"{role}: the stateful phase did not run"
    for role, creates in FLOOR.items():
        starts = tuple(f"{create} -> " for create in creates)
        assert any(link.startswith(starts) for link in followed[role]), (
            f"{role} followed no link from {' or '.join(creates)}: {summary(role, followed[role])}"
        )
