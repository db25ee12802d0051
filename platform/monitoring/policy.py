"""Who reads the monitoring figures, and what the public sees: the one policy of monitoring.

The stats are for the bureau's staff: reviewers, monitoring viewers and administrators (the
staff roles of ``agreements.policy``). The public sees the agreements anyone may read
(``agreements.policy.agreement_public``: signed, running and completed) and of them only
what the transparency page, its CSV and the IATI export name: never a contact, a person, a
signatory or a document, never a draft.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from agreements.policy import STAFF, agreement_public
from core.access import roles

STATS_READERS: dict[str, Any] = roles(*STAFF)
"""The route rule of the stats API."""


def published_agreement() -> ColumnElement[bool]:
    """The readable statement of the transparency page and the open-data export."""
    return agreement_public()
