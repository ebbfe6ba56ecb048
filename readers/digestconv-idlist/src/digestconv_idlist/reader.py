"""One ``<arXiv id>  <title>`` line per paper → papers.

A layout the general digest reader does not know (no headings, no list
markers, no links), small enough to show the whole reader protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from digestconv.arxiv import parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.model import Item, Paper, SourceSpan
from digestconv.readers import Body, Source

_LINE = re.compile(
    r"\s*(?:arxiv:)?(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)\s*(?:[-–—|:]\s*)?(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
_SAMPLE = 40
"""Lines looked at by ``detect``: it runs on every post, so it must stay cheap."""


@dataclass(frozen=True)
class IdListOptions:
    """No options: the layout has nothing to configure."""


class IdListReader:
    """Bare id lists: each non-empty, non-heading line is ``ID title``."""

    name: ClassVar[str] = "idlist"
    description: ClassVar[str] = "bare lists of papers, one `arXiv-id  Title` line each"
    Options: ClassVar[type] = IdListOptions

    def detect(self, source: Source) -> float:
        head = source.text[: _SAMPLE * 200]
        lines = [ln for ln in head.split("\n")[: _SAMPLE * 2] if ln.strip()]
        body = [ln for ln in lines if not ln.lstrip().startswith("#")][:_SAMPLE]
        if len(body) < 2:
            return 0.0
        hits = sum(1 for ln in body if _match(ln) is not None)
        return 0.9 if hits * 10 >= len(body) * 8 else 0.0

    def read(self, source: Source, options: Any, diagnostics: Diagnostics) -> Body:
        papers: list[Paper] = []
        preamble: list[Item] = []
        first_heading = None
        for number, line in enumerate(source.text.split("\n"), start=source.first_line):
            if not line.strip():
                continue
            if line.lstrip().startswith("#"):
                first_heading = first_heading or line.lstrip("# ").strip()
                continue
            found = _match(line)
            if found is None:
                preamble.append(Item(text=line.strip(), line=number, bullet=False))
                continue
            ident, title = found
            papers.append(
                Paper(
                    rank=len(papers) + 1,
                    title=title or ident.id,
                    url=ident.abs_url,
                    arxiv=ident,
                    source=SourceSpan(source.path, number, number),
                )
            )
        return Body(tuple(papers), tuple(preamble), "one id line per paper", first_heading)


def _match(line: str) -> tuple[Any, str] | None:
    m = _LINE.fullmatch(line)
    if m is None:
        return None
    ident = parse_id(m.group("id"))
    return None if ident is None else (ident, m.group("title"))
