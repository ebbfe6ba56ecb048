"""Author lists as digests write them, made fit to show: names, and whether more are left out.

Readers keep an author list exactly as written, ``et al.`` included as its own
last element, so that no output loses what the digest said.  Outputs that show
people (feed ``author`` elements, card backs) want the names alone and one
marker for the omitted rest; deciding that here keeps every output agreeing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ET_AL = re.compile(r"^\s*(?:and\s+)?(?:et\.?\s*al\.?|others|외|등|等)\s*[.)]*\s*$", re.IGNORECASE)
_TRAILING_ET_AL = re.compile(r",?\s*(?:et\.?\s*al\.?)\s*[.)]*\s*$", re.IGNORECASE)


def is_et_al(name: str) -> bool:
    """True for the "and others" marker a digest puts at the end of a shortened list."""
    return bool(_ET_AL.match(name))


def split_authors(authors: Sequence[str]) -> tuple[tuple[str, ...], bool]:
    """(the named people, whether the list says others are left out)."""
    names: list[str] = []
    more = False
    for raw in authors:
        name = " ".join(raw.split())
        if not name:
            continue
        if is_et_al(name):
            more = True
            continue
        stripped = _TRAILING_ET_AL.sub("", name)
        if stripped != name:
            more = True
            name = stripped.strip()
        if name:
            names.append(name)
    return tuple(names), more


def author_line(authors: Sequence[str]) -> str:
    """The list as one line of text: ``A, B, C et al.``; empty when nobody is named."""
    names, more = split_authors(authors)
    if not names:
        return ""
    return ", ".join(names) + (" et al." if more else "")


def affiliation_line(affiliations: Sequence[str]) -> str:
    """The affiliations as one line of text, ``A; B``; empty when there are none."""
    return "; ".join(" ".join(a.split()) for a in affiliations if a.strip())
