"""Where a form may send the visitor next: only paths on this site."""


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path, never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
