"""The money tab of an agreement as a browser uses it: open it, find a form by the entry it
records, and submit it with the page's CSRF token and one-time key."""

from __future__ import annotations

import html
import re
from typing import Any

from httpx import AsyncClient, Response

FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


class MoneyPage:
    def __init__(self, client: AsyncClient, agreement: dict[str, Any]) -> None:
        self.client = client
        self.url = f"/agreements/{agreement['id']}/money"

    async def open(self) -> Response:
        return await self.client.get(self.url)

    async def form(self, entry_type: str, names: str = "") -> str | None:
        """The action of the page's form recording ``entry_type`` (about the entry whose id
        is ``names``, for a row's buttons), or None when the page offers none."""
        found = await self._find(entry_type, names)
        return found[0] if found else None

    async def _find(self, entry_type: str, names: str) -> tuple[str, dict[str, str]] | None:
        """The form's action and hidden fields."""
        page = await self.open()
        assert page.status_code == 200, page.text[:300]
        for action, body in FORM.findall(page.text):
            if f'name="entry_type" value="{entry_type}"' in body and names in body:
                return html.unescape(action), dict(HIDDEN.findall(body))
        return None

    async def token(self) -> str:
        found = CSRF.search((await self.open()).text)
        assert found, "a CSRF field on the page"
        return found.group(1)

    async def submit(
        self, entry_type: str, names: str = "", files: dict[str, Any] | None = None, **data: str
    ) -> Response:
        """Fill and send the form the page offers, hidden fields included; it must offer one."""
        found = await self._find(entry_type, names)
        assert found is not None, f"no {entry_type} form on the page"
        action, hidden = found
        hidden.pop("entry_type")
        return await self.post(action, entry_type, files, **hidden, **data)

    async def post(
        self, action: str, entry_type: str, files: dict[str, Any] | None = None, **data: str
    ) -> Response:
        body = {"entry_type": entry_type, "_csrf_token": await self.token(), **data}
        return await self.client.post(action, data=body, files=files)
