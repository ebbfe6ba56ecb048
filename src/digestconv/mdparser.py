"""mistletoe, imported without its 0.15–0.2 s start-up cost.

At import, ``mistletoe.core_tokens`` builds its set of Unicode punctuation by asking
``unicodedata`` for the category of every one of the 1,114,112 code points.  A
rebuild after editing one post parses one post, so that loop was the largest single
cost of an incremental build.  The set depends only on the interpreter's Unicode
version, so it is taken from a table made per version (``punctuation_data``) and
given to mistletoe in place of its own; on an interpreter whose version the table
does not know, mistletoe computes it as it always did.

Every module of digestconv that uses mistletoe imports it through this one, so the
order of imports can never bring the slow path back.
"""

from __future__ import annotations

import string
import sys
from unicodedata import category, unidata_version

from digestconv.punctuation_data import ADDED, BASE, BASE_VERSION


def punctuation_ranges() -> tuple[tuple[int, int], ...]:
    """Unicode punctuation of this interpreter as ranges, the slow way (to make and check
    the table)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if category(chr(code)).startswith("P"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return tuple(ranges)


def tabled_ranges(version: str) -> tuple[tuple[int, int], ...] | None:
    """The table's punctuation of Unicode ``version`` (None for a version it lacks)."""
    if version != BASE_VERSION and version not in ADDED:
        return None
    ranges = list(BASE)
    for known, added in ADDED.items():
        if version == BASE_VERSION:
            break
        ranges.extend(added)
        if known == version:
            break
    return tuple(ranges)


def _import_mistletoe() -> None:
    table = tabled_ranges(unidata_version)
    if table is None or "mistletoe.core_tokens" in sys.modules:
        import mistletoe

        return
    known = sys.maxunicode
    sys.maxunicode = 0x7F  # mistletoe's loop runs over ASCII only ...
    try:
        import mistletoe.core_tokens as core
    finally:
        sys.maxunicode = known
    # ... and gets the same set it would have computed, from the table.
    core.punctuation = set(string.punctuation).union(
        chr(code) for low, high in table for code in range(low, high + 1)
    )
    import mistletoe  # noqa: F401


_import_mistletoe()

from mistletoe import Document, span_token  # noqa: E402
from mistletoe.base_renderer import BaseRenderer  # noqa: E402
from mistletoe.html_renderer import HtmlRenderer  # noqa: E402
from mistletoe.span_token import tokenize_inner  # noqa: E402

__all__ = [
    "BaseRenderer",
    "Document",
    "HtmlRenderer",
    "punctuation_ranges",
    "span_token",
    "tokenize_inner",
]
