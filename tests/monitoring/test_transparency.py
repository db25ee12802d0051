"""The public transparency page (/transparency) and its CSV: the signed agreements with their
money and report timeliness, filtered by county and category, fund totals by county and
category — and nothing private: no contact, person, signatory, evidence or document, no draft
(issue 18, items 5 and 6)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, User
from agreements.document_service import AgreementDocuments
from agreements.documents import DocumentStore
from agreements.models import Agreement, AgreementDocument, DocumentKind
from core.settings import Settings
from funds.models import LedgerEntry
from outcomes.models import ProgressReport, ReportState
from tests.monitoring.records import LAST_MOMENT, LUDIAN, ZHENXIONG, Records
from xiangxing.demo_agreements import scan_pdf

PRIVATE_COLUMNS = {
    Organization: ("contact_name", "contact_phone"),
    Agreement: (
        "organization_signatory",
        "recipient_signatory",
        "organization_contact_name",
        "organization_contact_phone",
        "recipient_contact_name",
        "recipient_contact_phone",
        "termination_reason",
    ),
    LedgerEntry: ("evidence", "note", "actor_name"),
    AgreementDocument: ("file_name", "sha256"),
    User: ("username", "display_name"),
}
"""The contact, person and document fields the models hold."""


async def private_values(session: AsyncSession) -> set[str]:
    found: set[str] = set()
    for model, columns in PRIVATE_COLUMNS.items():
        for column in columns:
            values = await session.scalars(select(getattr(model, column)))
            found |= {value for value in values if value}
    return found


@pytest.fixture
async def documented(session: AsyncSession, records: Records, test_settings: Settings) -> Records:
    """The records, with the signed scan of agreement a uploaded by the reviewer."""
    documents = AgreementDocuments(session, lambda: LAST_MOMENT, DocumentStore.of(test_settings))
    await documents.add(
        records.agreements["a"].id,
        DocumentKind.SIGNED_SCAN,
        "镇雄县帮扶协议签字扫描件.pdf",
        scan_pdf("a"),
        records.reviewer.identity,
        records.reviewer.actor,
    )
    return records


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def test_the_page_lists_signed_agreements_with_their_money(
    client: AsyncClient, records: Records
) -> None:
    page = await client.get("/transparency")
    assert page.status_code == 200
    text = page.text
    for name in ("a", "b", "c", "d"):
        assert records.agreements[name].title in text
        assert records.agreements[name].number in text
    for hidden in ("draft", "ended"):
        assert records.agreements[hidden].title not in text
    assert "100,000.00" in text
    assert "60,000.00" in text
    assert 'data-chart="funds-by-county"' in text
    assert 'data-chart="funds-by-category"' in text
    assert "/api/v1/exports/iati.xml" in text


async def test_filters_narrow_the_list_and_the_totals(
    client: AsyncClient, records: Records
) -> None:
    page = (await client.get("/transparency", params={"county": ZHENXIONG})).text
    shown = {name for name, a in records.agreements.items() if a.title in page}
    assert shown == {"a", "c"}
    page = (await client.get("/transparency", params={"category": "special_groups"})).text
    assert {name for name, a in records.agreements.items() if a.title in page} == {"d"}
    rows = csv_rows((await client.get("/transparency.csv", params={"county": LUDIAN})).content)
    assert [row["编号"] for row in rows] == [records.agreements["d"].number]


async def test_a_bad_filter_is_a_clear_400(client: AsyncClient, records: Records) -> None:
    answer = await client.get("/transparency", params={"county": "530627106000"})
    assert answer.status_code == 400
    assert "没有这个县（市、区）。" in answer.text


async def test_the_csv_carries_the_figures_of_the_page(
    client: AsyncClient, session: AsyncSession, records: Records
) -> None:
    answer = await client.get("/transparency.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    rows = {row["编号"]: row for row in csv_rows(answer.content)}
    assert set(rows) == {records.agreements[name].number for name in "abcd"}
    a = rows[records.agreements["a"].number]
    assert (a["已承诺金额（元）"], a["已确认到位金额（元）"]) == ("100000.00", "60000.00")
    assert a["县（市、区）"] == "镇雄县"
    assert a["类别"] == "产业"
    c = rows[records.agreements["c"].number]
    assert c["乡镇"] == "以勒镇"
    assert c["已确认到位金额（元）"] == "16000.00"


@pytest.mark.parametrize(
    "address", ["/transparency", "/transparency.csv", "/api/v1/exports/iati.xml"]
)
async def test_nothing_private_is_published(
    client: AsyncClient, session: AsyncSession, documented: Records, address: str
) -> None:
    private = await private_values(session)
    for column_values in (
        ("秘密联系人", "13912345678", "私人签字人"),
        ("登记联系人", "0870-5550000"),
        ("镇雄县帮扶协议签字扫描件.pdf", "双方协商终止。"),
    ):
        assert set(column_values) <= private
    published = (await client.get(address)).content.decode("utf-8-sig")
    assert [value for value in private if value in published] == []
    assert "/documents/" not in published


async def test_reports_on_time_or_late_are_shown(
    client: AsyncClient, session: AsyncSession, records: Records
) -> None:
    agreement = records.agreements["a"]
    for start, end, on_time, overdue in (
        ("2026-06-01", "2026-06-30", True, False),
        ("2026-07-01", "2026-09-30", False, True),
    ):
        session.add(
            ProgressReport(
                agreement_id=agreement.id,
                period_start=date.fromisoformat(start),
                period_end=date.fromisoformat(end),
                due_on=date.fromisoformat(end),
                state=ReportState.SUBMITTED,
                on_time=on_time,
                overdue=overdue,
            )
        )
    await session.flush()
    rows = {row["编号"]: row for row in csv_rows((await client.get("/transparency.csv")).content)}
    assert (rows[agreement.number]["到期报告"], rows[agreement.number]["按时报告"]) == ("2", "1")
    assert "2 份中 1 份逾期" in (await client.get("/transparency")).text


async def test_the_home_page_links_the_promise(client: AsyncClient) -> None:
    assert 'href="/transparency"' in (await client.get("/")).text
