"""Parts in runs: an exporter's part may hold a few neighbouring entries, not one.

The build's cost per part (hashing its inputs, looking it up, keeping it) is paid
for every part at every build, while an edit re-renders only the parts holding the
edited post's papers.  A part per paper makes the first cost dominate (16,000
parts for 2,000 posts); a run of about :data:`AVERAGE` entries divides it by that
and re-renders a few dozen entries per edit, which costs less.  The bibliography and
the CSL-JSON example cut their entries this way.

Where a run ends is decided by the entry alone (a hash of its paper's key), not by
its position, so adding or removing a paper changes only the run it falls in and
every other run keeps its bytes and its cached part.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

AVERAGE = 16
"""Entries per run on average (a power of two); 1 makes a part per entry."""
LONGEST = 64
"""No run is longer, whatever the hashes."""


def runs(names: Sequence[str]) -> list[tuple[int, int]]:
    """Where the runs of a list are, as ``(start, end)`` slices, from its entries' names (a
    paper's key): cut after each name whose hash is a multiple of ``AVERAGE``, and after
    ``LONGEST`` entries without such a cut."""
    mask = AVERAGE - 1
    out: list[tuple[int, int]] = []
    start = 0
    for i, name in enumerate(names):
        if not zlib.crc32(name.encode("utf-8", "surrogatepass")) & mask or i + 1 - start == LONGEST:
            out.append((start, i + 1))
            start = i + 1
    if start < len(names):
        out.append((start, len(names)))
    return out


def joined_key(names: Sequence[str]) -> str:
    """One text for a run's entry keys, each length-prefixed so that no two runs'
    keys run together."""
    return "".join(f"{len(n)}:{n}" for n in names)
