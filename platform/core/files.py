"""Files that belong to database rows (need photos now, agreement documents next): a file and
its row appear and disappear together.

A new file is written under a temporary name beside its place (``.pending-…``) and moved into
place only after the transaction that adds its row commits; if it rolls back, the temporary file
is removed. A file whose row is deleted is removed after the commit, never before. A crash
between the write and the commit leaves only a temporary file, which ``sweep`` removes once it
is older than any request can take; nothing else is ever deleted by the sweep.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

PENDING_PREFIX = ".pending-"
ORPHAN_AGE = timedelta(hours=1)
_ACTIONS_KEY = "core.files.actions"

Action = Callable[[], None]


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


def put_after_commit(session: AsyncSession, target: Path, content: bytes) -> None:
    """Write ``content`` now under a temporary name; it becomes ``target`` when the session
    commits (readers never see half a file) and is removed if it rolls back."""
    temporary = _write_temporary(target.parent, content)
    actions = _actions(session)
    actions["commit"].append(lambda: temporary.replace(target))
    actions["rollback"].append(lambda: _unlink(temporary))


def remove_after_commit(session: AsyncSession, target: Path) -> None:
    """Remove ``target`` (and its folder once empty) when the session commits."""

    def remove() -> None:
        _unlink(target)
        _remove_empty(target.parent)

    _actions(session)["commit"].append(remove)


def remove_folder_after_commit(session: AsyncSession, folder: Path) -> None:
    """Remove a whole folder of files (their rows went with a deleted parent) on commit."""
    _actions(session)["commit"].append(lambda: shutil.rmtree(folder, ignore_errors=True))


def sweep(root: Path, *, older_than: timedelta = ORPHAN_AGE, now: float | None = None) -> int:
    """Remove temporary files left by crashed requests; returns how many were removed."""
    if not root.exists():
        return 0
    limit = (time.time() if now is None else now) - older_than.total_seconds()
    removed = 0
    for path in root.rglob(f"{PENDING_PREFIX}*"):
        if path.is_file() and path.stat().st_mtime < limit:
            _unlink(path)
            _remove_empty(path.parent)
            removed += 1
    return removed
