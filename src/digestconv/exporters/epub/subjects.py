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


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def distinct_subjects(tags: Iterable[str]) -> tuple[str, ...]:
    """One subject per tag family, written as its most used spelling."""
    order: list[str] = []
    spellings: dict[str, Counter[str]] = {}
    for tag in tags:
        text = " ".join(tag.split())
        key = _key(text)
        if not key:
            continue
        if key not in spellings:
            near = next((k for k in order if len(key) >= _TYPO_LENGTH and _one_edit(k, key)), None)
            if near is None:
                order.append(key)
                spellings[key] = Counter()
            else:
                spellings[key] = spellings[near]
        spellings[key][text] += 1
    # max() keeps the first of equally used spellings: the one the posts used first.
    return tuple(max(spellings[k].items(), key=lambda kv: kv[1])[0] for k in order)
