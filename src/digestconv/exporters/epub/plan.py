"""Which digests go into which book, and the file names and ids inside each book.

Ids and file names are derived from the digest dates, not from positions, so a
paper keeps its fragment id (and an e-reader its bookmarks) when older or newer
posts are added, and ids from different digests never collide even when books
are split by year or month.  Every id starts with a letter, as XML requires.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from digestconv.model import Digest, Paper

SPLIT_MODES = ("none", "year", "month")

# BCP 47 as reading systems and EPUBCheck accept it: a primary language subtag
# and optional subtags (script, region, variants) of letters and digits.
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def normalize_lang(value: str | None) -> str | None:
    """A usable language tag (``ko_KR`` → ``ko-KR``), or None when ``value`` is not one."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    return tag if _LANG.fullmatch(tag) else None


@dataclass(frozen=True)
class PaperRef:
    """A paper with the fragment id of its ``<section>``."""

    id: str
    paper: Paper


@dataclass(frozen=True)
class Chapter:
    """One digest as one XHTML document of the book."""

    digest: Digest
    stem: str
    """Manifest id and file stem, e.g. ``d20251008`` (``d20251008b`` for a second post that day)."""
    lang: str
    papers: tuple[PaperRef, ...]

    @property
    def file_name(self) -> str:
        """The document's name inside the text folder (chapters link to each other by it)."""
        return f"{self.stem}.xhtml"

    @property
    def day(self) -> str:
        return iso_day(self.digest.date)


def iso_day(moment: datetime) -> str:
    """``YYYY-MM-DD`` of the post's own (local) date; years below 1000 stay four digits."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def _letters(n: int) -> str:
    """1 → ``b``, 2 → ``c`` … 25 → ``z``, 26 → ``ba``: a suffix that keeps ids alphanumeric."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


def reading_order(digests: Sequence[Digest]) -> list[Digest]:
    """Oldest first; posts of the same moment in a stable order (id, then file)."""
    return sorted(digests, key=lambda d: (d.date, d.post_id or "", d.source.path))


def plan_chapters(digests: Sequence[Digest], book_lang: str) -> tuple[Chapter, ...]:
    """Chapters in reading order with ids unique across any set of digests."""
    seen: dict[str, int] = {}
    chapters: list[Chapter] = []
    for digest in reading_order(digests):
        d = digest.date
        base = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        key = base if n == 0 else base + _letters(n)
        papers = tuple(PaperRef(f"p{key}-{i}", p) for i, p in enumerate(digest.papers, start=1))
        lang = normalize_lang(digest.lang) or book_lang
        chapters.append(Chapter(digest, f"d{key}", lang, papers))
    return tuple(chapters)


def split_digests(digests: Sequence[Digest], mode: str) -> list[tuple[str | None, list[Digest]]]:
    """Groups of digests, one per book: everything, or one group per year or month."""
    ordered = reading_order(digests)
    if mode == "none":
        return [(None, ordered)]
    groups: dict[str, list[Digest]] = {}
    for digest in ordered:
        d = digest.date
        period = f"{d.year:04d}" if mode == "year" else f"{d.year:04d}-{d.month:02d}"
        groups.setdefault(period, []).append(digest)
    return sorted(groups.items())
