"""The money summary (``funds.summary``) of bulk-inserted ledger rows, as rows for a bulk insert
beside them: the benchmarks write the ledger without the service, so they write its summary and
open items by the same rules the service does."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace

from uuid_utils.compat import uuid7

from funds.models import AgreementMoney, EntryType, LedgerOpenItem, MonthMoney
from funds.summary import open_items, summary_rows


def summaries(entries: list[dict]) -> dict[type, list[dict]]:
    """The ``agreement_money``, ``agreement_month_money`` and ``ledger_open_item`` rows of the
    entries (grouped by agreement in the order they were booked), by their model."""
    tables: dict[type, list[dict]] = {AgreementMoney: [], MonthMoney: [], LedgerOpenItem: []}
    for agreement_id, rows in groupby(entries, key=itemgetter("agreement_id")):
        posted = [
            SimpleNamespace(**{**row, "entry_type": EntryType(row["entry_type"])}) for row in rows
        ]
        whole, monthly = summary_rows(agreement_id, posted)
        tables[AgreementMoney].append({"id": uuid7(), **whole})
        tables[MonthMoney] += [{"id": uuid7(), **month} for month in monthly]
        tables[LedgerOpenItem] += [
            {"id": uuid7(), **item, "kind": item["kind"].value}
            for item in open_items(agreement_id, posted)
        ]
    return tables
