"""A chapter's share of the navigation document, the NCX and the index, as a toc part.

The three documents are assembled from every chapter's share on every build (2,000
shares for a 2,000-post book), so a share is laid out to be used without being
decoded: a short JSON header with what the assembly computes with (the targets
the NCX numbers, the papers the index sorts and groups), then the documents'
pieces as the UTF-8 bytes they are written as, which reach the compressor as
views of the cached part.  Decoding every share's text as JSON strings, and
joining each document as text and then as bytes, was where a book's assembly
spent most of its memory and much of its time.

The header holds everything of the chapter the documents depend on, so the
three documents are a function of the book's own facts and of the shares'
bytes alone (``write.navigation_members``) and can be reused by a hash of those.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass

_SEPARATOR = b"\n"
"""Between the header and the pieces: ``json.dumps`` escapes every newline in a string."""


@dataclass(frozen=True)
class Share:
    """One chapter's share, its pieces left in the part's bytes.

    The targets and the papers are decoded each time they are asked for: each is
    needed by one document, and 16,000 papers held decoded for the whole assembly
    were its peak in memory.
    """

    stem: str
    """The chapter's id and file stem."""
    day: str
    depth: int
    count: int
    """How many papers the chapter has."""
    data: bytes
    ends: tuple[int, ...]
    """Where the header's lines and then each piece of ``data`` end: the targets, the
    papers, the nav item, the NCX cuts (one more than the targets), the index lines
    (one per paper)."""

    @property
    def file_name(self) -> str:
        return f"{self.stem}.xhtml"

    @property
    def hrefs(self) -> tuple[str, ...]:
        """The targets of the chapter's entry and of its papers' entries, in document order."""
        return tuple(json.loads(self.data[self.ends[0] : self.ends[1]]))

    @property
    def papers(self) -> list[tuple[str, str, str]]:
        """Each paper's identity (``Paper.key``), label and fragment id, in order."""
        line = self.data[self.ends[1] : self.ends[2]]
        return [(key, label, pid) for key, label, pid in json.loads(line)]

    def _piece(self, n: int) -> memoryview:
        return memoryview(self.data)[self.ends[n] : self.ends[n + 1]]

    def nav(self) -> memoryview:
        return self._piece(2)

    def ncx(self) -> list[memoryview]:
        return [self._piece(n) for n in range(3, len(self.ends) - 1 - self.count)]

    def index_line(self, i: int) -> memoryview:
        return self._piece(len(self.ends) - 1 - self.count + i)


def encode_share(
    *,
    stem: str,
    day: str,
    hrefs: Sequence[str],
    depth: int,
    papers: Sequence[tuple[str, str, str]],
    nav: str,
    ncx: Sequence[str],
    index: Sequence[str],
) -> bytes:
    """The part's bytes; ``ncx`` is cut around the entry's ``playOrder`` values."""
    if len(ncx) != len(hrefs) + 1 or len(index) != len(papers):
        raise ValueError("a share needs one NCX cut more than targets, one index line a paper")
    pieces = [
        json.dumps(list(hrefs)).encode("ascii"),
        json.dumps([list(p) for p in papers]).encode("ascii"),
        *(p.encode("utf-8") for p in (nav, *ncx, *index)),
    ]
    header = [stem, day, depth, len(papers), [len(p) for p in pieces]]
    return b"".join([json.dumps(header).encode("ascii"), _SEPARATOR, *pieces])


def decode_share(data: bytes) -> Share:
    """The share ``encode_share`` wrote; raises ``ValueError`` on other bytes."""
    end = data.find(_SEPARATOR)
    if end < 0:
        raise ValueError("not a chapter's share")
    stem, day, depth, count, lengths = json.loads(data[:end])
    ends = tuple(itertools.accumulate(lengths, initial=end + 1))
    if ends[-1] != len(data) or len(lengths) < 4 + count:
        raise ValueError("a chapter's share is truncated")
    return Share(stem, day, depth, count, data, ends)
