"""Block units of a post: top-level blocks and list items, with their source lines.

Everything the grammar decides is decided on mistletoe's block tokens; texts
are then sliced from the source by the tokens' line numbers, so an entry keeps
the author's exact Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from digestconv.arxiv import ArxivId, find_ids, parse_id, parse_paper_url
from digestconv.mdparser import definitions, label_key
from digestconv.readers.digest.fields import parse_field
from digestconv.readers.digest.titles import OPENING_ID

KIND_HEADING = frozenset({"Heading", "SetextHeading"})


@dataclass
class Unit:
    """A block (or one list item) spanning source lines ``start``–``end`` (1-based)."""

    token: Any
    start: int
    end: int = 0
    list_item: bool = False
    depth: int = 0
    kind: str = ""
    ids: list[ArxivId] = field(default_factory=list)
    parent: Any = None
    """The list a list item belongs to."""
    group: bool = False
    """A list item that only names a group of entries listed under it ("- **Vision**")."""

    @property
    def heading(self) -> bool:
        return self.kind in KIND_HEADING


def units_of(tokens: list[Any], lines: list[str], last: int, depth: int = 0) -> list[Unit]:
    """``tokens`` as units (list items expanded), each ending where the next starts."""
    units: list[Unit] = []
    for token in tokens:
        name = type(token).__name__
        if name == "List":
            for li in token.children or ():
                units.append(
                    Unit(
                        li,
                        li.line_number,
                        list_item=True,
                        depth=depth,
                        kind="ListItem",
                        parent=token,
                    )
                )
        else:
            units.append(Unit(token, token.line_number, depth=depth, kind=name))
    defined = bool(definitions())
    for i, unit in enumerate(units):
        end = units[i + 1].start - 1 if i + 1 < len(units) else last
        while end > unit.start and not lines[end - 1].strip():
            end -= 1
        if defined:
            end = _before_definitions(lines, unit.start, end)
        unit.end = max(end, unit.start)
    return units


_DEFINITION = re.compile(r" {0,3}\[[^\]\n]{1,999}\]:[ \t]*\S")
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,200})\]")
_DEFINED_HERE = re.compile(r"(?m)^ {0,3}\[([^\]\n]{1,999})\]:")


def _before_definitions(lines: list[str], start: int, end: int) -> int:
    """``end`` without the link reference definitions that follow the unit (a run of them
    after a blank line; mistletoe keeps them out of every block, so they are no unit's text)."""
    k = end
    while k > start and _DEFINITION.match(lines[k - 1]):
        k -= 1
    if k == end or lines[k - 1].strip():
        return end  # none, or lines that continue a paragraph
    while k > start and not lines[k - 1].strip():
        k -= 1
    return k


def _references(text: str) -> Iterator[tuple[str, str, tuple[str, str]]]:
    """(label as written, its key, its definition) of each bracketed label in ``text`` that
    the current post defines: the reference links ``text`` uses."""
    defined = definitions()
    if not defined or "[" not in text:
        return
    for label in _BRACKETED.findall(text):
        key = label_key(label)
        target = defined.get(key)
        if target is not None:
            yield label, key, target


def with_definitions(text: str) -> str:
    """``text`` followed by the link reference definitions its reference links use, so that
    an item that says ``see [the blog][b]`` stays a link wherever it is rendered on its own
    (its definition sits elsewhere in the post, where no exporter looks)."""
    used: dict[str, str] = {}
    present: set[str] | None = None
    for label, key, (dest, title) in _references(text):
        if present is None:  # the definitions the text holds itself, found in one scan
            present = {label_key(m) for m in _DEFINED_HERE.findall(text)}
        if key not in used and key not in present:
            quoted = title.replace('"', '\\"')
            used[key] = f"[{label}]: <{dest}>" + (f' "{quoted}"' if title else "")
    return text + "\n\n" + "\n".join(used.values()) if used else text


def reference_ids(text: str) -> list[ArxivId]:
    """The papers that reference links in ``text`` point at (``[Title][1]`` with
    ``[1]: https://arxiv.org/abs/…`` further down the post)."""
    found = (parse_paper_url(dest) for _, _, (dest, _) in _references(text))
    return [ident for ident in found if ident is not None]


def source(unit: Unit, lines: list[str]) -> str:
    """The unit's Markdown, a list item's marker and indentation removed."""
    chunk = lines[unit.start - 1 : unit.end]
    if unit.list_item and chunk:
        width = content_column(unit.token, chunk[0])
        first = chunk[0][width:] if len(chunk[0]) >= width else chunk[0].lstrip()
        rest = [ln[width:] if ln[:width].strip() == "" else ln.lstrip() for ln in chunk[1:]]
        chunk = [first, *rest]
    return "\n".join(ln.rstrip() for ln in chunk).strip("\n")


def content_column(item: Any, first: str) -> int:
    """Where a list item's content starts on its first line (nested items included:
    mistletoe's ``indentation`` is relative to the parent item)."""
    lead = len(first) - len(first.lstrip())
    leader = str(getattr(item, "leader", "") or "")
    after = first[lead + len(leader) :]
    pad = len(after) - len(after.lstrip(" "))
    return lead + len(leader) + (min(pad, 4) if after.strip() else 1)


_ID_COLUMNS = frozenset({"arxiv", "arxivid", "id", "paperid", "论文id", "논문id", "编号"})


def id_columns(token: Any) -> set[int]:
    """Columns of a table headed ``arXiv`` or ``ID``: their cells hold bare identifiers."""
    header = getattr(token, "header", None)
    if header is None:
        return set()
    out = set()
    for i, cell in enumerate(header.children or ()):
        name = "".join(getattr(c, "content", "") for c in (cell.children or ()))
        if "".join(ch for ch in name.casefold() if ch.isalnum()) in _ID_COLUMNS:
            out.add(i)
    return out


def table_ids(token: Any) -> list[ArxivId]:
    """Bare identifiers (``2501.00001``) in a table's id columns, row by row."""
    columns = id_columns(token)
    found: list[ArxivId] = []
    for row in token.children or () if columns else ():
        for i, cell in enumerate(row.children or ()):
            if i in columns:
                text = "".join(getattr(c, "content", "") for c in (cell.children or ()))
                ident = parse_id(text.strip().strip("`*_ ")[:40])
                if ident is not None:
                    found.append(ident)
    return found


_LEADING_ID = re.compile(
    r"[ \t]{0,3}(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,3}[.)])[ \t]+)?(?:\*\*|__)?" + OPENING_ID + r"(?=\S)",
    re.I,
)
"""A heading or item whose title opens with a bare arXiv id (``## [2602.01111] Title``,
``- 2602.01111: Title``): the marker, then the title's own pattern."""


_BRACKETED_ID = re.compile(
    r"[(\[（]\s?(?:arxiv\s?[:：]?\s?)?(\d{4}\.\d{4,5}(?:v\d+)?)\s?[)\]）]", re.I
)
"""A bare arXiv id in brackets beside a title (``Title (2603.01235)``, ``Title [2603.01236]``)."""


def leading_id(line: str) -> ArxivId | None:
    """The bare arXiv id a heading or list item's first line opens with, or sets in
    brackets beside its title, if any."""
    m = _LEADING_ID.match(line[:80])
    if m is not None:
        return parse_id(m.group("a") or m.group("b"))
    beside = _BRACKETED_ID.search(line[:400])
    return parse_id(beside.group(1)) if beside is not None else None


def with_ids(units: list[Unit], lines: list[str]) -> list[Unit]:
    """Record the paper identifiers each unit's source names (one scan of each line)."""
    for unit in units:
        text = "\n".join(lines[unit.start - 1 : unit.end])
        unit.ids = find_ids(text)
        referenced = reference_ids(text)
        if referenced:  # (a set: a post may hold thousands of references)
            seen = {a.id for a in unit.ids}
            for ident in referenced:
                if ident.id not in seen:
                    seen.add(ident.id)
                    unit.ids.append(ident)
        if unit.kind == "Table":
            unit.ids.extend(table_ids(unit.token))
        elif unit.heading or unit.list_item:
            first = leading_id(lines[unit.start - 1])
            if first is not None and all(a.id != first.id for a in unit.ids):
                unit.ids.insert(0, first)
    return units


def ungroup(units: list[Unit], lines: list[str]) -> list[Unit]:
    """Entries listed under group items ("- **Vision**" over "1. [Title](url)" items) as
    units of their own, each group item left as a unit that names its group.

    A digest sorted by topic often nests its entries one list deeper than a plain
    one.  A top-level item is a group when its own first block names no paper and
    the list under it names papers in at least half of its items; its entries then
    belong to the outer list, so that the groups read as one list of entries.
    """
    out: list[Unit] = []
    for unit in units:
        nested = _grouped_list(unit, lines)
        if nested is None:
            out.append(unit)
            continue
        items = units_of([nested], lines, unit.end)
        header_end = items[0].start - 1
        while header_end > unit.start and not lines[header_end - 1].strip():
            header_end -= 1
        out.append(
            Unit(
                unit.token,
                unit.start,
                max(header_end, unit.start),
                list_item=True,
                kind="ListItem",
                parent=unit.parent,
                group=True,
            )
        )
        for item in items:
            item.parent = unit.parent
            item.ids = find_ids("\n".join(lines[item.start - 1 : item.end]))
        out.extend(items)
    return out


def _grouped_list(unit: Unit, lines: list[str]) -> Any:
    """The list of entries under ``unit`` when ``unit`` is a group item, else None."""
    if not unit.list_item or unit.depth != 0 or not unit.ids:
        return None
    kids = list(unit.token.children or ())
    lists = [k for k in kids if type(k).__name__ == "List"]
    if len(lists) != 1 or type(kids[0]).__name__ == "List" or kids[-1] is not lists[0]:
        return None
    nested = lists[0]
    items = list(nested.children or ())
    if not items or find_ids("\n".join(lines[unit.start - 1 : items[0].line_number - 1])):
        return None
    ends = [i.line_number for i in items[1:]] + [unit.end + 1]
    named: list[set[str]] = []
    for item, end in zip(items, ends, strict=True):
        first = lines[item.line_number - 1].strip()
        if parse_field(first[len(str(getattr(item, "leader", "") or "")) :]) is not None:
            return None  # "- Authors: …", "- Link: …": the fields of one entry
        ids = {a.id for a in find_ids("\n".join(lines[item.line_number - 1 : end - 1]))}
        if ids:
            named.append(ids)
    distinct = set().union(*named) if named else set()
    # Each item its own paper ("[HF page](…)" and "[arXiv](…)" of one paper are one entry).
    if len(distinct) < 2 or sum(len(ids) for ids in named) != len(distinct):
        return None
    return nested if len(named) * 2 >= len(items) else None
