"""Items in runs: a part holds a few neighbouring items, not one.

``digestconv build`` pays for every part at every build (it hashes the part's inputs,
looks the part up and keeps it), while an edit renders again only the parts that
hold the edited post's papers.  With a part per paper the first cost is most of a
rebuild (16,000 parts for 2,000 posts); a run of about :data:`AVERAGE` items
divides it by that, and an edit renders a few dozen items, which costs less.

A run ends after an item whose key hashes to a multiple of :data:`AVERAGE`: the
item decides, not its position, so adding or removing a paper changes only the run
it falls in, and every other part is reused.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

AVERAGE = 16
"""Items per run on average (a power of two); 1 makes a part per item."""
LONGEST = 64
"""No run is longer, whatever the hashes."""


def runs(names: Sequence[str]) -> list[tuple[int, int]]:
    """Where the runs of a list are, as ``(start, end)`` slices, from its items' names (a
    paper's key): cut after each name whose hash is a multiple of ``AVERAGE``, and after
    ``LONGEST`` items without such a cut."""
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
