"""How people write division names, as opposed to the official committee names."""

from __future__ import annotations

COMMITTEE_SUFFIXES = (("村民委员会", "村"), ("居民委员会", ""))


def short_name(official_name: str) -> str:
    """新滩村民委员会 → 新滩村, 双院子社区居民委员会 → 双院子社区; other names unchanged."""
    for suffix, replacement in COMMITTEE_SUFFIXES:
        if official_name.endswith(suffix):
            stem = official_name.removesuffix(suffix)
            return stem if stem.endswith(replacement) else stem + replacement
    return official_name
