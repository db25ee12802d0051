"""Documents of an agreement: PDF, JPEG and PNG up to 20 MB, typed by their content, named
without folders, served only to the parties and staff, every upload and download audited; a
signature on paper is recorded only once its scan is there."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.documents import MAX_DOCUMENT_BYTES, checked_name
from core.audit import AuditEntry
from core.errors import InvalidInput
from tests.agreements.flow import AGREEMENTS, make_agreement, step
from tests.matching.parties import Parties

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


async def upload(
    parties: Parties,
    agreement: dict[str, Any],
    name: str,
    content: bytes,
    who: str = "member",
    kind: str = "annex",
    content_type: str = "application/pdf",
) -> Any:
    return await parties.client.post(
        f"{AGREEMENTS}/{agreement['id']}/documents",
        files={"file": (name, content, content_type)},
        data={"kind": kind},
        headers=parties.headers[who],
    )


async def test_a_pdf_and_a_png_are_stored_and_served_to_the_parties(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    agreement = (await make_agreement(parties, proposal)).json()
    scan = await upload(parties, agreement, "帮扶协议签字页.pdf", PDF, kind="signed_scan")
    assert scan.status_code == 201, scan.text
    assert (scan.json()["content_type"], scan.json()["kind"]) == ("application/pdf", "signed_scan")
    photo = await upload(parties, agreement, "签约现场.png", PNG, who="worker", content_type="x/y")
    assert photo.status_code == 201, photo.text
    assert photo.json()["content_type"] == "image/png", "the content decides, not the client"

    listed = await parties.client.get(
        f"{AGREEMENTS}/{agreement['id']}/documents", headers=parties.headers["worker"]
    )
    assert [d["file_name"] for d in listed.json()["items"]] == [
        "帮扶协议签字页.pdf",
        "签约现场.png",
    ]
    download = f"{AGREEMENTS}/{agreement['id']}/documents/{scan.json()['id']}"
    for who in ("member", "worker", "rev"):
        served = await parties.client.get(download, headers=parties.headers[who])
        assert served.status_code == 200, (who, served.text)
        assert served.content == PDF
        assert served.headers["content-type"].startswith("application/pdf")
        assert served.headers["content-disposition"].startswith("attachment;")
    actions = list(
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == agreement["id"])
        )
    )
    assert actions.count("agreement.document_added") == 2
    assert actions.count("agreement.document_downloaded") == 3


async def test_others_and_anonymous_visitors_get_nothing(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = (await make_agreement(parties, proposal)).json()
    scan = (await upload(parties, agreement, "协议.pdf", PDF)).json()
    download = f"{AGREEMENTS}/{agreement['id']}/documents/{scan['id']}"
    for who in ("outsider", "stranger"):
        refused = await parties.client.get(download, headers=parties.headers[who])
        assert refused.status_code == 404, who
        assert (await upload(parties, agreement, "x.pdf", PDF, who=who)).status_code == 404
    anonymous = await parties.client.get(download)
    assert anonymous.status_code == 401
    assert (
        await parties.client.get(f"{AGREEMENTS}/{agreement['id']}/documents")
    ).status_code == 401


async def test_bad_files_are_refused_and_change_nothing(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = (await make_agreement(parties, proposal)).json()
    oversize = PDF + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF))
    for name, content, code in (
        ("大文件.pdf", oversize, "file_too_large"),
        ("协议.pdf", EXECUTABLE, "not_a_document"),
        ("../../etc/协议.pdf", PDF, "bad_file_name"),
    ):
        refused = await upload(parties, agreement, name, content)
        assert refused.status_code == 400, (name, refused.text)
        assert refused.json()["errors"][0]["code"] == code, name
    listed = await parties.client.get(
        f"{AGREEMENTS}/{agreement['id']}/documents", headers=parties.headers["member"]
    )
    assert listed.json()["items"] == []


def test_a_name_is_a_plain_name() -> None:
    assert checked_name(" 帮扶协议.pdf ") == "帮扶协议.pdf"
    for name in ("C:\\scans\\协议.pdf", "/etc/passwd", "../协议.pdf", "..", "", "a\x00.pdf"):
        with pytest.raises(InvalidInput):
            checked_name(name)


async def test_a_paper_signature_needs_its_scan(parties: Parties, proposal: dict[str, Any]) -> None:
    agreement = (await make_agreement(parties, proposal)).json()
    early = await step(parties, "rev", agreement, "sign-on-paper", signed_on="2026-05-28")
    assert early.status_code == 409, early.text
    assert (
        await upload(parties, agreement, "签字页.pdf", PDF, kind="signed_scan")
    ).status_code == 201
    by_member = await step(parties, "member", agreement, "sign-on-paper")
    assert by_member.status_code == 403
    recorded = await step(parties, "rev", agreement, "sign-on-paper", signed_on="2026-05-28")
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["state"], recorded.json()["signed_on"]) == ("signed", "2026-05-28")
