"""Papers given as data, for posts whose body is Liquid that renders them.

A data-driven digest keeps its papers in a front-matter list (``papers:`` of mappings
with ``title``, ``url``, ``authors``, ``summary``…) and renders them with
``{% for paper in page.papers %}``, or passes each to a theme's include (``{% include
paper.html title="…" url="…" %}``): the body's text alone names no paper.  Each mapping
(an include's parameters are one) is read
as an entry's field lines would be, through the same roles and the same
:class:`~digestconv.readers.digest.entries.EntryReader`, so a key is understood exactly as
the label of a field line (``arxiv_id``, ``tldr``, ``저자``, ``代码``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from digestconv.arxiv import find_ids, parse_id
from digestconv.model import Item, Paper
from digestconv.readers.digest.entries import Draft, EntryReader, finish, has_link
from digestconv.readers.digest.fields import ROLES, TITLE_NAMES, Field, norm
from digestconv.readers.digest.titles import clean_title, is_address

_RANK_KEYS = frozenset({"rank", "no", "number", "index", "순위", "序号", "排名", "número"})


def front_papers(front: Mapping[str, Any], path: str) -> tuple[str, tuple[Paper, ...]] | None:
    """(key, papers) of the first front-matter list whose mappings are papers (most of
    them with a title and a link), or None."""
    for key, value in front.items():
        if not isinstance(value, list | tuple) or not value:
            continue
        rows = [row for row in value if isinstance(row, Mapping)]
        if len(rows) * 2 < len(value):
            continue  # a list of other things, a mapping or two among them
        papers = [p for rank, row in enumerate(rows, 1) if (p := _paper(row, rank, path))]
        if papers and len(papers) * 2 >= len(rows):
            return str(key), tuple(papers)
    return None


_VALUE = r"(?:\"([^\"]{0,4000})\"|'([^']{0,4000})'|([^\s%\"'][^\s%]{0,199}))"
"""A parameter's value: quoted, or a variable (which cannot start with a quote, so that a
value is read one way only: two ways per parameter are 2**40 ways to fail on 40)."""
_INCLUDE = re.compile(
    r"\{%-?\s*include(?:_relative)?\s+(?P<name>[^\s%]{1,200})"
    r"(?P<params>(?:\s+[\w-]{1,60}\s*=\s*" + _VALUE + r"){1,40})\s*-?%\}"
)
_PARAM = re.compile(r"([\w-]{1,60})\s*=\s*" + _VALUE)


def include_papers(text: str, path: str, first_line: int) -> tuple[str, tuple[Paper, ...]] | None:
    """(the include's name, papers) of the includes of one name whose parameters are papers
    (most of them with a title and a link), or None."""
    if "include" not in text:
        return None
    by_name: dict[str, list[Paper]] = {}
    calls: dict[str, int] = {}
    line, counted = first_line, 0
    for m in _INCLUDE.finditer(text):
        name = m.group("name")
        calls[name] = calls.get(name, 0) + 1
        row = {
            p.group(1): next(g for g in p.groups()[1:] if g is not None)
            for p in _PARAM.finditer(m.group("params"))
        }
        line, counted = line + text.count("\n", counted, m.start()), m.start()
        found = _paper(row, len(by_name.get(name, ())) + 1, path, line)
        if found is not None:
            by_name.setdefault(name, []).append(found)
    for name, papers in sorted(by_name.items(), key=lambda kv: -len(kv[1])):
        if len(papers) * 2 >= calls[name]:
            return name, tuple(papers)
    return None


def without_liquid(items: Sequence[Item]) -> tuple[Item, ...]:
    """The body's text without the template that renders the list."""
    return tuple(i for i in items if "{{" not in i.text and "{%" not in i.text)


def _paper(row: Mapping[str, Any], rank: int, path: str, line: int = 1) -> Paper | None:
    draft = Draft(rank=rank, title="", line=line, end=line)
    reader = EntryReader([], 0)
    title = ""
    for key, value in row.items():
        label = str(key).replace("_", " ").strip()
        text = _text(value)
        if not label or not text:
            continue
        name = label.casefold()
        if name in _RANK_KEYS and text.isdigit() and len(text) <= 6:
            draft.rank = int(text)
            continue
        address = is_address(text) or parse_id(text.strip("`")) is not None
        if name in TITLE_NAMES and not title and not address:
            title = text
            continue
        role = ROLES.get(norm(label), "other")
        if role in ("other", "original_title") and address:
            # "id: 2601.00001", "paper: https://…": the paper's address under a key the
            # field roles do not name
            role, label = "link", label if find_ids(text) else "arXiv"
        reader.field(draft, Field(label, role, text), 1)
    draft.title = clean_title(title)
    if not draft.title or not has_link(draft):
        return None
    return finish(draft, path)


def _text(value: Any, depth: int = 0) -> str:
    """A value as the text of a field line: a list of names is written with commas (a
    list of lists is flattened two levels deep; deeper nesting is no field's text)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None or isinstance(value, Mapping):
        return ""
    if isinstance(value, list | tuple):
        if depth >= 2:
            return ""
        parts = (_text(v, depth + 1) for v in value[:1000])
        return ", ".join(p for p in parts if p)
    return str(value)
