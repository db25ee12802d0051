"""Schemathesis hooks of the API fuzzing (``tests/test_api_fuzz.py``), loaded by its command line
through ``SCHEMATHESIS_HOOKS``: a run never revokes the token it signs in with, which would turn
the rest of its requests into 401s."""

from __future__ import annotations

import os

import schemathesis
from schemathesis import Case
from schemathesis.hooks import HookContext

SIGNED_IN_WITH = os.environ.get("XIANGXING_FUZZ_TOKEN_ID", "")


@schemathesis.hook
def filter_case(context: HookContext, case: Case) -> bool:
    """Any case but the revocation of the run's own token."""
    return not (
        case.method == "DELETE"
        and case.operation.path == "/api/v1/auth/tokens/{token_id}"
        and str((case.path_parameters or {}).get("token_id")) == SIGNED_IN_WITH
    )
