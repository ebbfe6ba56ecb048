"""Which blocks start an entry: the post's entry shape, chosen by evidence.

Each candidate shape (headings of one level, numbered or not; items of top-level
lists; rows of a table) is scored by the distinct papers its entries identify.
A container that names several papers (a table of contents, a summary table, an
"honorable mentions" list under a heading) is not an entry, so a paper listed
twice is one entry; a post where no shape identifies a paper is not a digest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from digestconv.arxiv import find_ids, parse_id, parse_paper_url
from digestconv.mdparser import definitions
from digestconv.readers.digest.blocks import Unit, content_column, id_columns, source
from digestconv.readers.digest.fields import TITLE_NAMES, cites_work, parse_field, title_field
from digestconv.readers.digest.heads import (
    BOLD_LEVEL,
    DETAILS_LEVEL,
    FIELD_LEVEL,
    LINK_LEVEL,
    REFERENCE_LEVEL,
    RULE_LEVEL,
    heading_text,
    level_of,
)
from digestconv.readers.digest.titles import (
    clean_title,
    rank_of,
    split_title,
    strip_symbols,
    title_lines,
)


@dataclass
class Candidate:
    """One unit that may start an entry, and what it shows."""

    index: int
    rank: int | None
    title: str
    link: Any
    extra: str
    end: int
    """Index of the first unit after its block."""
    ids: set[str] = field(default_factory=set)
    head_id: str | None = None
    rest: str = ""
    """The heading's text after its number, parsed for a title only when needed."""
    hint: bool = False
    """Whether the heading shows link syntax (before it is parsed)."""
    resolved: bool = True
    rich: bool = False
    """A list item with a block of its own (sub-bullets, field lines)."""
    consumed: int = 0
    """Following units that belong to the title (a link text wrapped onto the next line)."""

    @property
    def has_link(self) -> bool:
        return self.link is not None if self.resolved else self.hint

    @property
    def shows_paper(self) -> bool:
        """Whether the entry shows a link or names a paper: one without either is a
        paper without a link only between entries that do."""
        return self.has_link or bool(self.ids) or self.head_id is not None

    def resolve(self) -> Candidate:
        """Parse the title of a heading candidate (once): only entries need it."""
        if not self.resolved:
            self.title, self.link, self.extra = _heading_title(self.rest)
            self.resolved = True
        return self


@dataclass
class Shape:
    kind: str
    """``heading``, ``list``, ``table`` or ``none``."""
    level: int = 0
    numbered: bool = False
    entries: list[Candidate] = field(default_factory=list)
    containers: list[int] = field(default_factory=list)
    """Unit indexes of same-level headings that are not entries (they end an entry)."""
    others: list[Candidate] = field(default_factory=list)
    """The candidates of those headings, for a post whose papers have no arXiv id."""

    titled: bool = False
    """Whether an entry would be the post's own title (its first heading)."""

    @property
    def score(self) -> tuple[int, int, int, int, int, int, int]:
        ids = {i for c in self.entries for i in (c.ids if c.head_id is None else {c.head_id})}
        identified = sum(1 for c in self.entries if c.ids or c.head_id)
        # On a tie: numbered entries, then more entries, then distinct titles (repeated
        # names such as "Links" are sections), then more entries whose heading links its
        # paper ("## 2026-05-09" over one "### [Title](…)" a day), then not the post's
        # title, then the outer level.
        distinct = len({c.rest or c.title for c in self.entries}) == len(self.entries)
        linked = sum(1 for c in self.entries if c.head_id is not None)
        return (
            len(ids),
            int(self.numbered),
            identified,
            int(distinct),
            linked,
            int(not self.titled),
            -self.level,
        )

    def describe(self) -> str:
        if self.kind == "heading" and self.level == BOLD_LEVEL:
            return f"{'numbered ' if self.numbered else ''}bold title lines"
        if self.kind == "heading" and self.level == DETAILS_LEVEL:
            return "folded <details> entries"
        if self.kind == "heading" and self.level == RULE_LEVEL:
            return "parts between rules that open with a title line"
        if self.kind == "heading" and self.level == LINK_LEVEL:
            return "paragraphs that open with a paper's link"
        if self.kind == "heading" and self.level == REFERENCE_LEVEL:
            return "paragraphs that are references"
        if self.kind == "heading" and self.level == FIELD_LEVEL:
            return "paragraphs that open with a title field"
        if self.kind == "heading":
            return f"{'numbered ' if self.numbered else ''}level-{self.level} headings"
        if self.kind == "list":
            return f"{'numbered' if self.numbered else 'bulleted'} list items"
        if self.kind == "table":
            return "table rows"
        return "no entries"


def _head_id(link: Any, title_line: str) -> str | None:
    if link is not None:
        found = parse_paper_url(str(link.target))
        if found is not None:
            return found.id
    return None


def _heading_title(rest: str) -> tuple[str, Any, str]:
    """``split_title`` of a heading, skipping the inline parse when there is no markup:
    headings such as "Introduction" are most of a long post's headings."""
    if not any(c in rest for c in "[]*_`<>&\\!~|—–") and " - " not in rest:
        return clean_title(rest), None, ""
    return split_title(rest)


_PARAGRAPH_LEVELS = (
    BOLD_LEVEL,
    DETAILS_LEVEL,
    FIELD_LEVEL,
    RULE_LEVEL,
    LINK_LEVEL,
    REFERENCE_LEVEL,
)
_WEAK_LEVELS = (FIELD_LEVEL, RULE_LEVEL, LINK_LEVEL, REFERENCE_LEVEL)


def heading_shapes(units: Sequence[Unit], lines: list[str]) -> list[Shape]:
    """One candidate shape per heading level 1–4 (and one for bold entry lines)."""
    levels = {}
    for i, u in enumerate(units):
        if u.heading or u.kind == "Paragraph":
            lv = level_of(u, lines)
            if 1 <= lv <= 4 or lv in _PARAGRAPH_LEVELS:
                levels[i] = lv
    heads = sorted(levels)
    ends: dict[int, int] = {}
    stack: list[int] = []
    for j in heads:
        while stack and levels[stack[-1]] >= levels[j]:
            ends[stack.pop()] = j
        stack.append(j)
    for j in stack:
        ends[j] = len(units)
    shapes = []
    for level in sorted(set(levels.values())):
        at_level = [i for i in heads if levels[i] == level]
        cands: list[Candidate] = []
        for i in at_level:
            end = ends[i]
            text = heading_text(units[i], lines)
            rank, rest = rank_of(text)
            if rank is None:
                rest = strip_symbols(rest)  # "📄 Title": a pictograph marks it, it is not in it
            if ":" in rest[:24] or "：" in rest[:24]:
                rest = title_field(rest) or rest  # "### 1. 标题：Title": the label is no part of it
            title, link, extra = "", None, ""
            resolved = False
            consumed = 0
            if (
                rest.count("[") > rest.count("]")
                and i + 1 < end
                and units[i + 1].kind == "Paragraph"
            ):
                # "# 1. [Long\ntitle](url)": the link text wrapped onto the next line.
                nxt = units[i + 1]
                joined = (
                    rest + "\n" + "\n".join(ln.strip() for ln in lines[nxt.start - 1 : nxt.end])
                )
                j_title, j_link, j_extra = split_title(joined)
                if j_link is not None:
                    title, link, extra, consumed = j_title, j_link, j_extra, 1
                    resolved = True
            ids: set[str] = set()
            for j in range(i + 1, end):
                ids.update(a.id for a in units[j].ids)
            hint = "](" in rest or "<http" in rest or ("][" in rest and bool(definitions()))
            if resolved:
                head = _head_id(link, text)
            else:
                head = units[i].ids[0].id if hint and units[i].ids else None
            ids.update(a.id for a in units[i].ids)
            cands.append(
                Candidate(
                    i,
                    rank,
                    title,
                    link,
                    extra,
                    end,
                    ids,
                    head,
                    rest=rest,
                    hint=hint or resolved,
                    resolved=resolved,
                    consumed=consumed,
                )
            )
        numbered_cands = [c for c in cands if c.rank is not None]
        numbered = len(numbered_cands) >= 2 or (
            len(numbered_cands) == 1
            and bool(numbered_cands[0].ids or numbered_cands[0].head_id or numbered_cands[0].hint)
        )
        shape = Shape("heading", level, numbered)
        first = heads[0] if heads else -1
        for c in cands:
            if numbered and c.rank is None:
                shape.containers.append(c.index)
                shape.others.append(c)
                continue
            if (
                numbered
                or c.head_id is not None
                or len(c.ids) == 1
                or (len(c.ids) > 1 and not _lists_papers(units, c, lines))
                or (not c.ids and c.hint and _links_work(c))
            ):
                shape.entries.append(c)
                shape.titled = shape.titled or (c.index == first and c.rank is None)
            else:
                shape.containers.append(c.index)
                shape.others.append(c)
        shapes.append(shape)
    return shapes


def _mentions(listed: Shape, headed: Shape) -> bool:
    """Whether every item of a list lies under a heading of numbered entries' level that
    is none of them, after them ("## Other papers today" over a list of links): papers the
    digest mentions after its entries, its own text as a heading's block of several papers
    is (``_lists_papers``), not its entries."""
    if not listed.entries or headed.kind != "heading" or not headed.numbered:
        return False
    if not headed.entries:
        return False
    first = headed.entries[0].index
    spans = [(c.index, c.end) for c in headed.others if c.index > first]
    return all(any(a < e.index < b for a, b in spans) for e in listed.entries)


def _links_work(cand: Candidate) -> bool:
    """Whether a heading's title links a paper's page other than arXiv's (OpenReview, the
    ACL Anthology, a DOI): among arXiv papers, an entry all the same."""
    link = cand.resolve().link
    return link is not None and cites_work(str(link.target))


def _lists_papers(units: Sequence[Unit], cand: Candidate, lines: list[str]) -> bool:
    """Whether a heading's block lists several papers (a table of them, or list items that
    each name one) rather than being one paper's entry that also cites others."""
    seen: set[str] = set()
    for j in range(cand.index + 1, cand.end):
        u = units[j]
        if u.kind == "Table" and len({a.id for a in u.ids}) >= 2:
            return True
        if u.list_item and u.ids:
            first = source(u, lines).split("\n", 1)[0]
            if parse_field(first) is None or title_field(first) is not None:
                seen.update(a.id for a in u.ids)
                if len(seen) >= 2:
                    return True
    return False


_TASK = re.compile(r"^\[[ xX]\][ \t]+")
"""A task list's check box (``- [x] [Title](…)``): GitHub's, no part of the title."""


def _item_title(unit: Unit, lines: list[str]) -> tuple[str, Any, str] | None:
    """(title, link, text beside it) of a list item, or None if it is a field."""
    token = unit.token
    kids = list(token.children or ())
    if not kids or type(kids[0]).__name__ != "Paragraph":
        return None
    first = kids[0]
    width = content_column(token, lines[first.line_number - 1])
    nxt = kids[1].line_number if len(kids) > 1 else unit.end + 1
    raw = [
        ln[width:] if ln[:width].strip() == "" else ln.strip()
        for ln in lines[first.line_number - 1 : nxt - 1]
    ]
    raw[0] = _TASK.sub(
        "",
        lines[first.line_number - 1][width:]
        if len(lines[first.line_number - 1]) > width
        else lines[first.line_number - 1].strip(),
        count=1,
    )
    title_raw = [ln.strip() for ln in raw[: title_lines(raw)]]
    if not title_raw:
        return None
    named = title_field(title_raw[0])
    if named is not None:  # "- **Title**: …" over the entry's other fields
        title, link, _ = split_title(named)
        return (title, link, "") if title else None
    if parse_field(title_raw[0]) is not None:
        return None
    title, link, extra = split_title("\n".join(title_raw))
    if not title:
        return None
    return title, link, extra


def list_shape(units: Sequence[Unit], lines: list[str]) -> Shape:
    """Items of top-level lists whose first line is a title and whose block names one paper."""
    shape = Shape("list")
    ordered = 0
    absorbed = -1
    for i, unit in enumerate(units):
        if unit.group:
            shape.containers.append(i)  # a group's name ends the entry before it
            continue
        if not unit.list_item or unit.depth != 0 or i < absorbed:
            continue
        if not unit.ids and not (
            len(unit.token.children or ()) == 1
            and i + 1 < len(units)
            and units[i + 1].list_item
            and units[i + 1].parent is not unit.parent
        ):
            continue  # names no paper, and no sibling list can lend it one
        got = _item_title(unit, lines)
        if got is None:
            continue
        title, link, extra = got
        rank, rest = rank_of(title)
        if rank is not None and rest.strip():
            title = rest.strip()
        elif rank is None:
            title = strip_symbols(title) or title  # "- 🥇 [Title](…)", as a heading's
        ids = {a.id for a in unit.ids}
        end = i + 1
        if len(unit.token.children or ()) == 1:
            # "10. **Title**" followed by sub-bullets indented less than the marker's
            # width: CommonMark makes them a sibling list, the author meant them inside.
            while (
                end < len(units)
                and units[end].list_item
                and units[end].parent is not unit.parent
                and getattr(units[end].parent, "start", None) is None
                and (end == i + 1 or units[end].parent is units[i + 1].parent)
            ):
                ids.update(a.id for a in units[end].ids)
                end += 1
            absorbed = end
        head = _head_id(link, title)
        if head is None and len(ids) != 1:
            continue
        leader = getattr(unit.token, "leader", "") or ""
        number = (
            int(leader.rstrip(".)"))
            if leader[:1].isdigit() and leader.rstrip(".)").isdigit()
            else None
        )
        if number is not None:
            ordered += 1
        rich = len(unit.token.children or ()) > 1 or end > i + 1
        shape.entries.append(Candidate(i, number, title, link, extra, end, ids, head, rich=rich))
    if any(c.rich for c in shape.entries):
        # Entries with a block of their own (fields, sub-bullets) make the digest; lists of
        # one-line links beside them ("honorable mentions", a contents list) are digest text.
        lists = {id(units[c.index].parent) for c in shape.entries if c.rich}
        shape.entries = [c for c in shape.entries if id(units[c.index].parent) in lists]
    ordered = sum(1 for c in shape.entries if c.rank is not None)
    shape.numbered = bool(shape.entries) and ordered == len(shape.entries)
    return shape


def table_rows(unit: Unit) -> list[tuple[int, str, list[str]]]:
    """(line, title, cells) of each row of a table of papers; [] when it is not one."""
    token = unit.token
    header = getattr(token, "header", None)
    if header is None:
        return []
    names = [_cell_text(c).strip().strip("*_ ").casefold() for c in header.children or ()]
    title_col = next((i for i, n in enumerate(names) if n in TITLE_NAMES), None)
    id_cols = id_columns(token)
    out = []
    for row in token.children or ():
        cells = [_cell_text(c) for c in row.children or ()]
        ids = {a.id for c in cells for a in find_ids(c)}
        for i in id_cols:
            bare = parse_id(cells[i].strip().strip("`*_ ")[:40]) if i < len(cells) else None
            if bare is not None:
                ids.add(bare.id)
        if len(ids) != 1:
            continue
        if title_col is not None and title_col < len(cells):
            title = cells[title_col]
        else:
            texts = [
                c
                for i, c in enumerate(cells)
                if i not in id_cols and not find_ids(c) and any(ch.isalpha() for ch in c)
            ]
            title = max(texts, key=len, default="")
        title_text, _, _ = split_title(title)
        if title_text:
            out.append((getattr(row, "line_number", unit.start), title_text, cells))
    return out


def _cell_text(cell: Any) -> str:
    return "".join(getattr(c, "content", "") for c in (cell.children or ()))


def table_shape(units: Sequence[Unit]) -> Shape:
    shape = Shape("table")
    for i, unit in enumerate(units):
        if unit.kind == "Table" and unit.depth == 0 and len(unit.ids) >= 2:
            for line, title, _ in table_rows(unit):
                shape.entries.append(Candidate(i, None, title, None, "", line))
    for c in shape.entries:
        c.ids = set()
    return shape


def choose(units: Sequence[Unit], lines: list[str]) -> Shape:
    """The shape whose entries identify the most papers; headings win ties."""
    best = Shape("none")
    by_heading = heading_shapes(units, lines)
    # Paragraphs that open with a title field, a title line between rules or a paper's link
    # head entries only where headings and lists do not.
    fielded = [s for s in by_heading if s.level in _WEAK_LEVELS]
    by_heading = [s for s in by_heading if s.level not in _WEAK_LEVELS]
    for shape in by_heading:
        if shape.score > best.score:
            best = shape
    listed = list_shape(units, lines)
    rich = bool(listed.entries) and all(c.rich for c in listed.entries)
    if _mentions(listed, best):
        pass  # the headings stay the entries, the list under "## Other papers" is text
    elif listed.score[0] > best.score[0] or (
        listed.score[0] == best.score[0]
        and ((best.titled and rich) or (listed.numbered and not best.numbered))
    ):
        # On a tie the headings stay the entries, unless they are the post's title or
        # unnumbered topics over numbered items ("## Vision" over "2. **Title** ([arXiv](…))").
        best = listed
    for shape in fielded:
        # Only where it names more papers, or gives more of them an entry: a "**Title:**"
        # line under each entry's heading leaves the headings the entries.  One paragraph
        # that opens with a paper's link is a note citing it, not a digest of one paper.
        if shape.level in (LINK_LEVEL, REFERENCE_LEVEL) and len(shape.entries) < 2:
            continue
        if (shape.score[0], shape.score[2]) > (best.score[0], best.score[2]):
            best = shape
    if best.score[0] == 0 and any(u.kind == "Table" and len(u.ids) >= 2 for u in units):
        tabled = table_shape(units)
        if tabled.entries:
            return tabled
    if best.score[0] == 0:
        # A digest of papers without arXiv ids: numbered headings that carry their links.
        for shape in by_heading:
            linked = [c for c in shape.entries if c.has_link]
            if shape.numbered and linked and len(linked) * 2 >= len(shape.entries):
                return shape
        for shape in by_heading:
            # or headings whose blocks link a paper's page elsewhere (OpenReview, a DOI)
            cited = _citing_works(shape, units, lines)
            if cited is not None:
                return cited
        return Shape("none")
    return best


def _citing_works(shape: Shape, units: Sequence[Unit], lines: list[str]) -> Shape | None:
    """The shape with the headings whose blocks link a scholarly page as its entries, when
    at least two do and they are most of the headings of their level; else None."""
    cands = sorted(shape.entries + shape.others, key=lambda c: c.index)
    citing = [
        c
        for c in cands
        if any(
            cites_work(source(units[j], lines))
            for j in range(c.index, min(c.end, c.index + _CITE_WINDOW))
        )
    ]
    if len(citing) < 2 or len(citing) * 3 < len(cands) * 2:
        return None
    chosen = {c.index for c in citing}
    cited = Shape("heading", shape.level, shape.numbered, titled=shape.titled)
    cited.entries = citing
    cited.containers = [c.index for c in cands if c.index not in chosen]
    return cited


_CITE_WINDOW = 12
"""Blocks of an entry looked at for its paper's page: its first ones hold its links."""
