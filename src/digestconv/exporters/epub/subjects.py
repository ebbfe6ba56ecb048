"""``dc:subject`` from the posts' tags, without duplicates or near-duplicates.

Blogs tag by hand: ``Papers`` and ``papers``, ``daily-papers`` and ``Daily Papers``,
a one-letter typo (``hugginface``) beside the right spelling.  A library that
lists subjects shows each of those as its own shelf.  Tags are compared by a
key – NFKC, case-folded, letters and digits only, a plural ``s`` dropped – and
keys one edit apart count as one tag when they are long enough that an edit is
a typo rather than another word.  Each subject is written as its most used
spelling (the first one on a tie), in order of first appearance.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

_TYPO_LENGTH = 6


def _key(tag: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKC", tag).casefold() if c.isalnum())
    return folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded


_TYPO_LONGEST = 64
"""Keys longer than this are not merged as typos: no tag is that long by hand, and the
index below costs the square of a key's length."""


def _deletions(key: str) -> list[tuple[int, str]]:
    """``key`` with one character taken out, at each position."""
    return [(i, key[:i] + key[i + 1 :]) for i in range(len(key))]


class _Heads:
    """The first key of each tag family, indexed so that a new key finds the earliest
    head one edit away (an inserted, deleted or replaced character) by looking up its own
    one-character deletions, instead of comparing itself with every head: 40,000 distinct
    tags took 17 s that way, and cost grew with the square of their number."""

    def __init__(self) -> None:
        self.full: dict[str, int] = {}
        self.shortened: dict[str, int] = {}
        self.replaced: dict[tuple[int, str], int] = {}

    def family(self, key: str, new: int) -> int:
        """The index of the earliest head one edit from ``key`` (only for keys long enough
        that an edit is a typo), else ``new``, under which ``key`` becomes a head."""
        cut = _deletions(key) if len(key) <= _TYPO_LONGEST + 1 else []
        if _TYPO_LENGTH <= len(key) <= _TYPO_LONGEST:
            found = [self.shortened.get(key)]  # a head one character longer
            for position, rest in cut:
                found += (self.full.get(rest), self.replaced.get((position, rest)))
            hits = [i for i in found if i is not None]
            if hits:
                return min(hits)
        if cut:
            self.full.setdefault(key, new)
            for position, rest in cut:
                self.shortened.setdefault(rest, new)
                self.replaced.setdefault((position, rest), new)
        return new


def distinct_subjects(tags: Iterable[str]) -> tuple[str, ...]:
    """One subject per tag family, written as its most used spelling."""
    order: list[str] = []
    spellings: dict[str, Counter[str]] = {}
    heads = _Heads()
    for tag in tags:
        text = " ".join(tag.split())
        key = _key(text)
        if not key:
            continue
        if key not in spellings:
            index = heads.family(key, len(order))
            if index == len(order):
                order.append(key)
                spellings[key] = Counter()
            else:
                spellings[key] = spellings[order[index]]
        spellings[key][text] += 1
    # max() keeps the first of equally used spellings: the one the posts used first.
    return tuple(max(spellings[k].items(), key=lambda kv: kv[1])[0] for k in order)
