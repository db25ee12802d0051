"""The transparency page's agreements as CSV: UTF-8 with a byte-order mark, so Excel opens
the Chinese right, and only the columns the page shows."""

from __future__ import annotations

import csv
import io

from agreements.programmes import programme_name
from core.errors import N_
from core.i18n import translate
from monitoring.repository import PublicAgreement

BYTE_ORDER_MARK = "\ufeff"
HEADERS = (
    N_("Number"),
    N_("Title"),
    N_("Organization"),
    N_("County or district"),
    N_("Township"),
    N_("Recipient"),
    N_("Category"),
    N_("Programme"),
    N_("State"),
    N_("Signed on"),
    N_("Committed (yuan)"),
    N_("Delivered (yuan)"),
    N_("Reports due"),
    N_("Reports on time"),
)


def transparency_csv(rows: list[PublicAgreement], locale: str) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow([translate(locale, header) for header in HEADERS])
    for row in rows:
        writer.writerow(
            [
                row.number,
                row.title,
                row.organization,
                row.county or "",
                row.township or "",
                row.recipient,
                translate(locale, row.category.label),
                programme_name(row.programme),
                translate(locale, row.state.label),
                row.signed_on.isoformat() if row.signed_on else "",
                f"{row.committed:.2f}",
                f"{row.confirmed:.2f}",
                row.reports_due,
                row.reports_on_time,
            ]
        )
    return (BYTE_ORDER_MARK + stream.getvalue()).encode("utf-8")
