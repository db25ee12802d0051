"""The published agreements as IATI 2.03 activities (https://iatistandard.org), so anyone
can read the city's assistance in the open-data format donors and researchers use.

How the platform maps onto the standard:

- reporting-org: the bureau (``XIANGXING_IATI_REPORTING_ORG_REF``, type 10, government);
  iati-identifier: that identifier, a hyphen and the agreement's number (ZT-2026-0001).
- participating-org: the social organization, as funding (role 1) and implementing (role 4)
  organization, type 22 (national NGO).
- activity-status from the agreement's state: signed and in progress are 2 (implementation),
  completion confirmed 3 (finalisation), completed 4 (closed); activity-date 1 and 3 are the
  agreement's period, 2 the day it was signed.
- recipient-country CN; location: the recipient's 12-digit division code of the national
  statistics bureau in ``ref`` (``CN-NBS-<code>``, as IATI's geographic vocabularies hold no
  list of China's divisions) and its name, reach 2 (intended beneficiaries).
- sector: vocabulary 99 (the reporting organisation's own), codes the catalogue's five top
  categories (industry, talent, public_services, special_groups, consumption), each with its
  Chinese name as narrative.
- transaction: the ledger's money in force: commitments (type 2), disbursements (3) and
  expenditures (4), in CNY, dated the day booked in China; goods and reversed entries are
  left out, receipt confirmations are not transactions.
- result (type 1, output) per indicator target: baseline (the year the period starts), and a
  period per approved progress report with the target and the report's actual; an indicator
  without an approved report has one period over the agreement with its target only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from agreements.models import AgreementState
from agreements.programmes import programme_name
from core.i18n import translate
from funds.models import EntryType
from monitoring.repository import PublicAgreement, ReportedValue, Target, Transaction

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "zh"
CURRENCY = "CNY"
ACTIVITY_STATUS = {
    AgreementState.SIGNED: "2",
    AgreementState.IN_PROGRESS: "2",
    AgreementState.COMPLETION_CONFIRMED: "3",
    AgreementState.COMPLETED: "4",
}
TRANSACTION_TYPE = {
    EntryType.COMMITMENT: "2",
    EntryType.DISBURSEMENT: "3",
    EntryType.EXPENDITURE: "4",
}
OWN_SECTOR_VOCABULARY = "99"
GOVERNMENT, NATIONAL_NGO = "10", "22"
FUNDING, IMPLEMENTING = "1", "4"
OUTPUT = "1"
UNIT_MEASURE = "1"


@dataclass(frozen=True, slots=True)
class Publisher:
    ref: str
    name: str


@dataclass(frozen=True, slots=True)
class OpenData:
    """What the export holds: the agreements and, by agreement id, their money and results."""

    agreements: Sequence[PublicAgreement]
    transactions: Sequence[Transaction]
    targets: Sequence[Target]
    values: Sequence[ReportedValue]


def _narrated(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "narrative").text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def iati_activities(data: OpenData, publisher: Publisher, generated_at: datetime) -> bytes:
    """The IATI activities document, UTF-8."""
    root = ET.Element(
        "iati-activities", {"version": VERSION, "generated-datetime": generated_at.isoformat()}
    )
    transactions: dict[object, list[Transaction]] = defaultdict(list)
    for transaction in data.transactions:
        transactions[transaction.agreement_id].append(transaction)
    targets: dict[object, list[Target]] = defaultdict(list)
    for target in data.targets:
        targets[target.agreement_id].append(target)
    values: dict[object, list[ReportedValue]] = defaultdict(list)
    for value in data.values:
        values[value.indicator_id].append(value)
    for agreement in data.agreements:
        activity = ET.SubElement(
            root,
            "iati-activity",
            {
                "last-updated-datetime": generated_at.isoformat(),
                XML_LANG: LANGUAGE,
                "default-currency": CURRENCY,
                "hierarchy": "1",
            },
        )
        _describe(activity, agreement, publisher)
        for transaction in transactions[agreement.id]:
            _transaction(activity, transaction)
        for target in targets[agreement.id]:
            _result(activity, agreement, target, values[target.id])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _describe(activity: ET.Element, agreement: PublicAgreement, publisher: Publisher) -> None:
    ET.SubElement(activity, "iati-identifier").text = f"{publisher.ref}-{agreement.number}"
    _narrated(activity, "reporting-org", publisher.name, ref=publisher.ref, type=GOVERNMENT)
    _narrated(activity, "title", agreement.title)
    category = translate(LANGUAGE, agreement.category.label)
    _narrated(
        activity,
        "description",
        f"{agreement.organization}与{agreement.recipient}签订的帮扶协议（{category}，"
        f"{programme_name(agreement.programme)}），编号{agreement.number}。",
        type="1",
    )
    for role in (FUNDING, IMPLEMENTING):
        _narrated(
            activity, "participating-org", agreement.organization, role=role, type=NATIONAL_NGO
        )
    ET.SubElement(activity, "activity-status", code=ACTIVITY_STATUS[agreement.state])
    dates = [("1", agreement.period_start), ("3", agreement.period_end)]
    if agreement.signed_on is not None:
        dates.insert(1, ("2", agreement.signed_on))
    for kind, day in dates:
        ET.SubElement(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})
    ET.SubElement(activity, "recipient-country", code="CN", percentage="100")
    if agreement.recipient_region_code is not None:
        location = ET.SubElement(
            activity, "location", ref=f"CN-NBS-{agreement.recipient_region_code}"
        )
        ET.SubElement(location, "location-reach", code="2")
        _narrated(location, "name", agreement.recipient)
    _narrated(
        activity,
        "sector",
        category,
        vocabulary=OWN_SECTOR_VOCABULARY,
        code=agreement.category.value,
        percentage="100",
    )


def _transaction(activity: ET.Element, transaction: Transaction) -> None:
    element = ET.SubElement(activity, "transaction")
    day = transaction.booked_on.isoformat()
    ET.SubElement(element, "transaction-type", code=TRANSACTION_TYPE[transaction.entry_type])
    ET.SubElement(element, "transaction-date", {"iso-date": day})
    value = ET.SubElement(element, "value", {"currency": CURRENCY, "value-date": day})
    value.text = _amount(transaction.amount)


def _result(
    activity: ET.Element,
    agreement: PublicAgreement,
    target: Target,
    values: Sequence[ReportedValue],
) -> None:
    result = ET.SubElement(activity, "result", type=OUTPUT)
    _narrated(result, "title", target.name)
    indicator = ET.SubElement(result, "indicator", measure=UNIT_MEASURE, ascending="1")
    title = f"{target.name}（{target.unit}）" if target.unit else target.name
    _narrated(indicator, "title", title)
    ET.SubElement(
        indicator,
        "baseline",
        {
            "year": str(agreement.period_start.year),
            "iso-date": agreement.period_start.isoformat(),
            "value": _amount(target.baseline),
        },
    )
    periods: list[tuple[date, date, Decimal | None]] = [
        (value.period_start, value.period_end, value.actual) for value in values
    ] or [(agreement.period_start, agreement.period_end, None)]
    for start, end, actual in periods:
        period = ET.SubElement(indicator, "period")
        ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
        ET.SubElement(period, "target", value=_amount(target.target))
        if actual is not None:
            ET.SubElement(period, "actual", value=_amount(actual))
