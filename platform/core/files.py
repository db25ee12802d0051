"""Files that belong to database rows (need photos now, agreement documents next), stored by
their content: a file's name is the SHA-256 of its bytes (``<root>/ab/ab12…``), the rows that
use it keep that digest, and the same bytes stored twice are one file.

A new file is written under a temporary name beside its place (``.pending-…``) and moved into
place only after the transaction that adds its row commits; if it rolls back, the temporary file
is removed, so no reader sees half a file. Since rows may share a file, deleting a row removes
nothing; the orphan sweep (`orphan_sweep_job`) removes the files no row names any more, and the
temporary files crashes left behind, once they are older than any request can take.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from core.jobs import Job
from core.settings import Settings

PENDING_PREFIX = ".pending-"
ORPHAN_AGE = timedelta(hours=1)
"""Files (and temporary files) younger than this are never swept: their row may still be on
its way to a commit."""
SWEEP_EVERY = timedelta(hours=1)
_ACTIONS_KEY = "core.files.actions"
DIGEST = re.compile(r"^[0-9a-f]{64}$")

Action = Callable[[], object]
NamedFiles = Callable[[AsyncSession], Awaitable[Collection[str]]]
"""The digests of the files a domain's rows name (need photos, agreement documents)."""


def _actions(session: AsyncSession) -> dict[str, list[Action]]:
    """The file moves waiting on this session's next commit or rollback."""
    sync = session.sync_session
    actions: dict[str, list[Action]] | None = sync.info.get(_ACTIONS_KEY)
    if actions is None:
        actions = {"commit": [], "rollback": []}
        sync.info[_ACTIONS_KEY] = actions
        event.listen(sync, "after_commit", lambda _s: _run(actions, "commit"))
        event.listen(sync, "after_soft_rollback", _on_rollback(actions))
    return actions


def _on_rollback(actions: dict[str, list[Action]]) -> Callable[[Any, Any], None]:
    """Only the session's own transaction ending counts, not a savepoint inside it."""

    def rolled_back(_session: Any, previous: Any) -> None:
        if previous.parent is None:
            _run(actions, "rollback")

    return rolled_back


def _run(actions: dict[str, list[Action]], outcome: str) -> None:
    todo = actions[outcome]
    actions["commit"], actions["rollback"] = [], []
    for action in todo:
        action()


def _write_temporary(directory: Path, content: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, prefix=PENDING_PREFIX)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        _unlink(temporary)
        raise
    return temporary


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _remove_empty(directory: Path) -> None:
    with contextlib.suppress(OSError):
        directory.rmdir()


def sniff(content: bytes) -> str | None:
    """The type its first bytes say (JPEG, PNG, WebP or PDF), or None: an upload's type comes
    from what it is, never from its name or the type the client claimed."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def put_after_commit(session: AsyncSession, target: Path, content: bytes) -> None:
    """Write ``content`` now under a temporary name; it becomes ``target`` when the session
    commits (readers never see half a file) and is removed if it rolls back."""
    temporary = _write_temporary(target.parent, content)
    actions = _actions(session)
    actions["commit"].append(lambda: temporary.replace(target))
    actions["rollback"].append(lambda: _unlink(temporary))


class ContentStore:
    """Files under ``root`` named by their content's SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, settings: Settings) -> ContentStore:
        """The app's one store, under ``var/uploads/files``."""
        return cls(settings.var_dir / "uploads" / "files")

    def path(self, digest: str) -> Path:
        if not DIGEST.fullmatch(digest):
            msg = f"not a SHA-256 digest: {digest!r}"
            raise ValueError(msg)
        return self.root / digest[:2] / digest

    def put_after_commit(self, session: AsyncSession, content: bytes) -> str:
        """Store ``content`` once the session commits (`put_after_commit`); returns its digest,
        for the row to keep. Bytes stored before are written again: the file is then fresh, and
        no sweep takes it for an old orphan while the new row commits."""
        digest = hashlib.sha256(content).hexdigest()
        put_after_commit(session, self.path(digest), content)
        return digest

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def sweep(
        self, named: Collection[str], now: datetime, older_than: timedelta = ORPHAN_AGE
    ) -> int:
        """Remove the files older than ``older_than`` that no row names, and temporary files
        of that age; returns how many."""
        if not self.root.exists():
            return 0
        limit = now.timestamp() - older_than.total_seconds()
        removed = 0
        for path in self.root.glob("??/*"):
            orphan = path.name.startswith(PENDING_PREFIX) or path.name not in named
            if orphan and path.is_file() and path.stat().st_mtime < limit:
                _unlink(path)
                _remove_empty(path.parent)
                removed += 1
        return removed


def orphan_sweep_job(name: str, store: ContentStore, namers: Sequence[NamedFiles]) -> Job:
    """A periodic job that sweeps ``store`` of the files none of ``namers``' rows name."""

    async def run(session: AsyncSession, now: datetime) -> int:
        named: set[str] = set()
        for namer in namers:
            named.update(await namer(session))
        return await anyio.to_thread.run_sync(lambda: store.sweep(named, now))

    return Job(name, run, every=SWEEP_EVERY)
