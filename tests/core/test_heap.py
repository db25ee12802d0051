"""A burst of work freed: the memory goes back to the system, not only to the allocator."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.heap import can_release, release_freed_heap

CHUNK = 64 * 1024
"""Below glibc's threshold for memory of its own (128 KB): taken from the heap."""


def resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not can_release(), reason="this C library keeps freed heap (not glibc)")
def test_the_heap_a_burst_freed_is_given_back() -> None:
    burst = [bytearray(CHUNK) for _ in range(1_000)]  # 64 MB, written (zero-filled)
    kept = bytearray(CHUNK)  # above the burst: the heap's top cannot shrink past it
    del burst
    held = resident_kib()
    release_freed_heap()
    assert held - resident_kib() > 32 * 1024, "most of the 64 MB went back"
    assert len(kept) == CHUNK
