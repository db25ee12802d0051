"""Older and newer code answering alternate rounds, each version in a worker process of its own
on the same database, so that the machine's drift falls on both alike.

A worker is the benchmark's own script run with ``--worker``: it prints ``ready`` once warm,
then answers each ``round N`` line on its standard input with one JSON line of figures, and
stops at any other line. The older code is an export (``git archive REV platform templates
static locale | tar -x -C DIR``) put first on the worker's import path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUIET_APP = {
    "XIANGXING_SEARCH_INDEXER": "false",
    "XIANGXING_JOBS_IN_APP": "false",
    "XIANGXING_SEARCH_MEMORY_SECONDS": "0",
}
"""Nothing runs in a worker but the requests, and searches ask the engine every time."""

Figures = dict[str, dict[str, Any]]


def versions(before: Path | None) -> dict[str, Path | None]:
    """The versions to run: the checkout's own code, after the older export when given."""
    return {"after": None} if before is None else {"before": before, "after": None}


def start(script: str, code: Path | None, *arguments: str) -> subprocess.Popen[str]:
    """The worker of ``script`` running ``code`` (None: this checkout), once it is ready."""
    env = {**os.environ, **QUIET_APP}
    env.setdefault("XIANGXING_ENV", "development")
    if code is not None:
        env["PYTHONPATH"] = str(code / "platform")
    process = subprocess.Popen(
        [sys.executable, script, "--worker", *arguments],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    while process.stdout.readline().strip() != "ready":
        if process.poll() is not None:
            sys.exit("a worker stopped before it was ready")
    return process


def alternate(
    workers: dict[str, subprocess.Popen[str]], rounds: int, requests: int
) -> dict[str, list[Figures]]:
    """Each worker's figures of ``rounds`` rounds of ``requests``, the order of the versions
    swapped every round; the workers are stopped afterwards."""
    found: dict[str, list[Figures]] = {name: [] for name in workers}
    for number in range(rounds):
        order = list(workers) if number % 2 == 0 else list(reversed(workers))
        for name in order:
            process = workers[name]
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(f"round {requests}\n")
            process.stdin.flush()
            found[name].append(json.loads(process.stdout.readline()))
    for process in workers.values():
        process.communicate("stop\n")
    return found
