"""Steps of the ledger tests through the API."""

from __future__ import annotations

from typing import Any

from tests.matching.parties import Parties


class Books:
    """One agreement's ledger as its parties write and read it."""

    def __init__(self, parties: Parties, agreement: dict[str, Any]) -> None:
        self.parties = parties
        self.url = f"/api/v1/agreements/{agreement['id']}/ledger"

    async def post(self, who: str, entry_type: str, key: str | None = None, **body: Any) -> Any:
        headers = dict(self.parties.headers[who])
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.parties.client.post(
            self.url, json={"entry_type": entry_type, **body}, headers=headers
        )

    async def add(self, who: str, entry_type: str, **body: Any) -> dict[str, Any]:
        answer = await self.post(who, entry_type, **body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    async def entries(self, who: str = "member") -> list[dict[str, Any]]:
        answer = await self.parties.client.get(self.url, headers=self.parties.headers[who])
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    async def summary(self, who: str = "member") -> dict[str, Any]:
        answer = await self.parties.client.get(
            f"{self.url}/balance", headers=self.parties.headers[who]
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def funded(self, committed: str, disbursed: str) -> dict[str, Any]:
        """Committed by a reviewer, disbursed by the organization, confirmed by the station:
        the disbursement entry."""
        await self.add("rev", "commitment", amount=committed)
        handed = await self.add("member", "disbursement", amount=disbursed, note="转账")
        await self.add("worker", "receipt_confirmation", confirms_id=handed["id"])
        return handed
