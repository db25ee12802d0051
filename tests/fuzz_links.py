"""Which of the OpenAPI document's links a Schemathesis run followed to a success, read from its
NDJSON event report: Schemathesis's own "covered" count says a link's values were put into a
request, not that the request worked, and a run whose bodies the API refuses covers links
without ever reaching the row behind them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

STATEFUL = "stateful"


def links_followed(events: Path) -> Counter[str]:
    """How often each link (``POST /api/v1/needs -> 201 -> Submit``, as Schemathesis names
    transitions) took the run to a 2xx answer in the stateful phase."""
    followed: Counter[str] = Counter()
    with events.open(encoding="utf-8") as lines:
        for line in lines:
            finished = json.loads(line).get("ScenarioFinished")
            if finished is None or finished["phase"] != STATEFUL:
                continue
            recorder = finished["recorder"]
            interactions = recorder.get("interactions", {})
            for case_id, node in recorder.get("cases", {}).items():
                transition = node.get("transition")
                response = interactions.get(case_id, {}).get("response") or {}
                if (
                    transition is not None
                    and node.get("is_transition_applied")
                    and 200 <= response.get("status_code", 0) < 300
                ):
                    followed[transition["id"]] += 1
    return followed


def summary(role: str, followed: Counter[str]) -> str:
    """One line per role for the test's output: how many links, and which."""
    names = ", ".join(sorted(followed))
    return f"{role}: {len(followed)} links followed to a 2xx ({names or 'none'})"
