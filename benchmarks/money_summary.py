"""The money summary (``funds.summary``) of bulk-inserted ledger rows, as rows for a bulk insert
beside them: the benchmarks write the ledger without the service, so they write its summary by
the same rules the service does."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace

from uuid_utils.compat import uuid7

from funds.models import EntryType
from funds.summary import summary_rows


def summaries(entries: list[dict]) -> tuple[list[dict], list[dict]]:
    """The ``agreement_money`` and ``agreement_month_money`` rows of the entries, which are
    grouped by agreement in the order they were booked."""
    wholes: list[dict] = []
    months: list[dict] = []
    for agreement_id, rows in groupby(entries, key=itemgetter("agreement_id")):
        posted = [
            SimpleNamespace(**{**row, "entry_type": EntryType(row["entry_type"])}) for row in rows
        ]
        whole, monthly = summary_rows(agreement_id, posted)
        wholes.append({"id": uuid7(), **whole})
        months += [{"id": uuid7(), **month} for month in monthly]
    return wholes, months
